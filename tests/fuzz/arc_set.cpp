// libFuzzer target for the ARC parsers and chain validation (STYLE.md 3):
// any bytes must parse as an ARC-Seal, ARC-Message-Signature and AAR
// instance to a value or a clean Errc::invalid, with i= always in 1..50;
// the bytes as a message must give a chain whose sets are complete and in
// order or an error; and validation (RFC 8617 5.2) of the bytes as a
// message, and of a real sealed message carrying the bytes as an extra ARC
// field, must end in none / pass / fail without a crash, a hang, a
// sanitizer report or more key lookups than its bound.
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailauth/arc/chain.hpp"
#include "mailauth/arc/sealer.hpp"
#include "mailauth/arc/verifier.hpp"
#include "mailauth/dkim/crypto.hpp"
#include "testing/memory_resolver.hpp"

namespace arc = tern::mailauth::arc;
namespace dkim = tern::mailauth::dkim;

namespace {

// RFC 8032 7.1 TEST 1 secret seed (the RFC 8463 A.1 key): a fixed key so
// every run seals the same base message.
const dkim::PrivateKey& fixed_key() {
    static const dkim::PrivateKey key = [] {
        std::string seed;
        const char* hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        for (int i = 0; i < 64; i += 2)
            seed.push_back(static_cast<char>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
        return *dkim::PrivateKey::from_ed25519_seed(seed);
    }();
    return key;
}

const std::string& sealed_base() {
    static const std::string message = [] {
        const std::string body =
            "From: a@example.com\r\nTo: b@example.net\r\nSubject: s\r\n\r\nbody\r\n";
        arc::SealOptions o;
        o.domain = "example.com";
        o.selector = "s";
        o.auth_results = "mx.example.com; spf=pass smtp.mailfrom=a@example.com";
        o.timestamp = 1'800'000'000;
        return *arc::seal(body, fixed_key(), o) + body;
    }();
    return message;
}

void check_verdict(const arc::ArcVerdict& v) {
    if (arc::to_string(v.result).empty()) __builtin_trap();
    if (v.instances < 0 || v.instances > arc::kMaxInstance) __builtin_trap();
    if (v.oldest_pass && (*v.oldest_pass < 0 || *v.oldest_pass > v.instances)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto seal = arc::parse_seal(text);
    if (!seal && seal.error().code != tern::Errc::invalid) __builtin_trap();
    if (seal && (seal->instance < 1 || seal->instance > arc::kMaxInstance)) __builtin_trap();
    auto ams = arc::parse_message_signature(text);
    if (!ams && ams.error().code != tern::Errc::invalid) __builtin_trap();
    if (ams && (ams->instance < 1 || ams->instance > arc::kMaxInstance)) __builtin_trap();
    auto aar = arc::parse_results_instance(text);
    if (aar && (*aar < 1 || *aar > arc::kMaxInstance)) __builtin_trap();

    // The input as a message: a chain is complete and ordered, or an error.
    const dkim::Message message = dkim::split_message(text);
    auto chain = arc::parse_chain(message);
    if (chain) {
        for (std::size_t k = 0; k < chain->size(); ++k) {
            const auto& set = (*chain)[k];
            if (set.instance != static_cast<int>(k + 1) || set.results == nullptr ||
                set.signature == nullptr || set.seal == nullptr)
                __builtin_trap();
        }
    }
    (void)arc::scan_instances(message);
    if (size > 8192) return 0;

    tern::testing::MemoryResolver dns;
    dns.add_txt(
        "s._domainkey.example.com",
        "v=DKIM1; k=ed25519; p=" + std::string("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
    arc::ArcVerifyOptions options;
    check_verdict(arc::verify(text, dns, options));
    if (dns.queries().size() > options.max_keys) __builtin_trap();

    // The input as one more header field of a validly sealed message.
    dns.clear_queries();
    const std::string extended = std::string(text) + "\r\n" + sealed_base();
    check_verdict(arc::verify(extended, dns, options));
    if (dns.queries().size() > options.max_keys) __builtin_trap();
    return 0;
}

#include "mailauth/arc/sealer.hpp"

#include "base/strings.hpp"
#include "mailauth/arc/verifier.hpp"
#include "mailauth/dkim/signature.hpp"
#include "mailauth/dkim/signer.hpp"

namespace tern::mailauth::arc {

namespace {

// Appends tag tokens to a field, folding (RFC 5322 2.2.3) with CRLF TAB
// before a token that would pass 78 columns. A glued token follows the
// previous one without a space; FWS is allowed between any two tokens of
// a tag-list value we write (RFC 6376 3.2, 3.5 b= and h=).
class Folder {
  public:
    explicit Folder(std::string start) : out_(std::move(start)), column_(out_.size()) {}
    void add(std::string_view token, bool glued = false) {
        const std::size_t need = token.size() + (glued ? 0 : 1);
        if (column_ + need > 78 && column_ > 1) {
            out_ += "\r\n\t";
            column_ = 1;
        } else if (!glued) {
            out_ += ' ';
            ++column_;
        }
        out_ += token;
        column_ += token.size();
    }
    const std::string& text() const { return out_; }

  private:
    std::string out_;
    std::size_t column_;
};

std::size_t count_fields(const dkim::Message& message, std::string_view name) {
    std::size_t n = 0;
    for (const auto& field : message.headers)
        if (iequals(field.name, name)) ++n;
    return n;
}

// RFC 6376 5.4.2 as the DKIM signer does it: each present name as often as
// it occurs; From once more so a From added later breaks the signature.
std::vector<std::string> choose_headers(const dkim::Message& message) {
    std::vector<std::string> names = dkim::default_signed_headers();
    names.push_back("DKIM-Signature");  // RFC 8617 4.1.2
    std::vector<std::string> chosen;
    for (const auto& name : names) {
        std::size_t n = count_fields(message, name);
        if (iequals(name, "From")) ++n;
        for (std::size_t k = 0; k < n; ++k)
            chosen.push_back(name);
    }
    return chosen;
}

// The value part of an Authentication-Results field given whole or bare,
// without the final CRLF.
std::string results_payload(std::string_view text) {
    if (istarts_with(text, "Authentication-Results:"))
        text.remove_prefix(std::string_view("Authentication-Results:").size());
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    return std::string(text);
}

Result<std::string> sign_data(const dkim::PrivateKey& key, const std::string& data) {
    // RFC 8463 3: Ed25519 signs the SHA-256 digest; RSA hashes inside.
    if (key.type() == dkim::KeyType::ed25519)
        return key.sign(dkim::hash(dkim::HashAlg::sha256, data));
    return key.sign(data);
}

void add_b(Folder& f, const std::string& signature) {
    const std::string b = base64_encode(signature);
    for (std::size_t k = 0; k < b.size(); k += 8)
        f.add(std::string_view(b).substr(k, 8), true);
}

}  // namespace

Result<std::string> seal(std::string_view raw, const dkim::PrivateKey& key,
                         const SealOptions& options) {
    if (!dkim::valid_dkim_name(options.domain)) return fail(Errc::invalid, "arc seal: bad domain");
    if (!dkim::valid_dkim_name(options.selector))
        return fail(Errc::invalid, "arc seal: bad selector");
    // RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits.
    if (key.type() == dkim::KeyType::rsa && key.bits() < 1024)
        return fail(Errc::invalid, "arc seal: RSA key shorter than 1024 bits");
    const std::string payload = results_payload(options.auth_results);
    if (payload.empty()) return fail(Errc::invalid, "arc seal: no Authentication-Results");

    const dkim::Message message = dkim::split_message(raw);
    const InstanceScan scan = scan_instances(message);
    // RFC 8617 5.1 step 1: a chain already marked failed is not extended.
    if (scan.highest_cv == ChainStatus::fail)
        return fail(Errc::invalid, "arc seal: the chain already failed (cv=fail)");
    // RFC 8617 4.2.1: at most 50 sets.
    if (scan.highest >= kMaxInstance) return fail(Errc::invalid, "arc seal: 50 sets already");
    const int instance = scan.highest + 1;
    // RFC 8617 4.1.3 / 5.1.2: cv=none for the first set, otherwise what the
    // validation found (a chain that is not a pass is a fail).
    ChainStatus cv = ChainStatus::none;
    if (scan.any_arc_field)
        cv = options.chain == ChainStatus::pass && instance > 1 ? ChainStatus::pass
                                                                : ChainStatus::fail;
    const std::string i = "i=" + std::to_string(instance) + ";";
    const bool ed = key.type() == dkim::KeyType::ed25519;
    const std::string a = std::string("a=") + (ed ? "ed25519-sha256;" : "rsa-sha256;");
    std::string t;
    if (options.timestamp) t = "t=" + std::to_string(*options.timestamp) + ";";

    // RFC 8617 4.1.1: AAR = "i=N;" + the Authentication-Results payload.
    const dkim::HeaderField aar{"ARC-Authentication-Results",
                                "ARC-Authentication-Results: " + i + " " + payload + "\r\n"};

    // RFC 8617 4.1.2: the AMS, a DKIM signature of the message as forwarded.
    const std::string body = dkim::canonicalize_body(message.body, dkim::Canon::relaxed);
    const std::vector<std::string> names = choose_headers(message);
    Folder ams("ARC-Message-Signature:");
    ams.add(i);
    ams.add(a);
    ams.add("c=relaxed/relaxed;");
    ams.add("d=" + options.domain + ";");
    ams.add("s=" + options.selector + ";");
    if (!t.empty()) ams.add(t);
    for (std::size_t k = 0; k < names.size(); ++k)
        ams.add((k == 0 ? "h=" : "") + names[k] + (k + 1 < names.size() ? ":" : ";"), k != 0);
    ams.add("bh=" + base64_encode(dkim::hash(dkim::HashAlg::sha256, body)) + ";");
    ams.add("b=");
    auto ams_sig =
        sign_data(key, dkim::header_hash_input(message, names, dkim::Canon::relaxed, ams.text()));
    if (!ams_sig) return ams_sig.failure();
    add_b(ams, *ams_sig);
    const dkim::HeaderField ams_field{"ARC-Message-Signature", ams.text() + "\r\n"};

    // RFC 8617 4.1.3: the AS, over the whole chain (or this set alone when
    // the chain failed, 5.1.2).
    Folder as("ARC-Seal:");
    as.add(i);
    as.add(a);
    if (!t.empty()) as.add(t);
    as.add("cv=" + std::string(to_string(cv)) + ";");
    as.add("d=" + options.domain + ";");
    as.add("s=" + options.selector + ";");
    as.add("b=");
    const dkim::HeaderField as_unsigned{"ARC-Seal", as.text()};
    std::vector<const dkim::HeaderField*> fields;
    if (cv == ChainStatus::pass) {
        auto chain = parse_chain(message);
        // The caller's "pass" must describe this message's chain.
        if (!chain || static_cast<int>(chain->size()) != instance - 1)
            return fail(Errc::invalid, "arc seal: the chain does not match a pass");
        for (const auto& set : *chain) {
            fields.push_back(set.results);
            fields.push_back(set.signature);
            fields.push_back(set.seal);
        }
    }
    fields.push_back(&aar);
    fields.push_back(&ams_field);
    fields.push_back(&as_unsigned);
    auto as_sig = sign_data(key, seal_hash_input(fields));
    if (!as_sig) return as_sig.failure();
    add_b(as, *as_sig);
    return as.text() + "\r\n" + ams_field.raw + aar.raw;
}

}  // namespace tern::mailauth::arc

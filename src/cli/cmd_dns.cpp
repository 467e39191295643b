// `tern dns records DOMAIN [--ip IPV4] [--ipv6 IPV6]`: prints the DNS
// records a local domain should publish (dns_records.hpp), with the DKIM keys
// `tern dkim keygen` kept in <data_dir>/dkim/.
#include <arpa/inet.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/strings.hpp"
#include "cli/address.hpp"
#include "cli/admin.hpp"
#include "cli/dns_records.hpp"
#include "mailauth/dkim/crypto.hpp"
#include "mailauth/dkim/signer.hpp"

namespace tern::cli::detail {

namespace {

bool valid_ip(int family, const std::string& text) {
    unsigned char buf[16];
    return inet_pton(family, text.c_str(), buf) == 1;
}

// The keys of `domain` in <data_dir>/dkim, sorted by selector. A key file
// that cannot be read is reported on stderr and left out.
std::vector<DkimRecord> dkim_records(const config::Config& config, const std::string& domain) {
    std::vector<DkimRecord> out;
    std::filesystem::path dir = config.server.data_dir + "/dkim";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return out;
    std::string prefix = domain + ".";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.size() <= prefix.size() + 4 || name.rfind(prefix, 0) != 0 ||
            !name.ends_with(".pem"))
            continue;
        std::string selector = name.substr(prefix.size(), name.size() - prefix.size() - 4);
        std::ifstream in(entry.path());
        std::stringstream pem;
        pem << in.rdbuf();
        auto key = mailauth::dkim::PrivateKey::from_pem(pem.str());
        if (!in || !key) {
            std::cerr << "tern: warning: skipped DKIM key " << entry.path().string() << ": "
                      << (key ? std::string("cannot read it") : key.error().message) << "\n";
            continue;
        }
        out.push_back({selector, mailauth::dkim::key_record_text(*key)});
    }
    std::sort(out.begin(), out.end(),
              [](const DkimRecord& a, const DkimRecord& b) { return a.selector < b.selector; });
    return out;
}

// RFC 8461 3.1: the id only has to change when the policy does; the current
// UTC time (yyyymmddhhmmss) is a fresh one each time the records are made.
std::string sts_id_now() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return buf;
}

}  // namespace

int dns_records(const config::Config& config, const Args& args) {
    std::string domain = to_lower(args.domain);
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    if (!valid_domain(domain))
        return failed("'" + args.domain + "' is not a domain name", "Write it like example.org");
    if (!args.ipv4.empty() && !valid_ip(AF_INET, args.ipv4))
        return failed("'" + args.ipv4 + "' is not an IPv4 address", "Write it like 192.0.2.25");
    if (!args.ipv6.empty() && !valid_ip(AF_INET6, args.ipv6))
        return failed("'" + args.ipv6 + "' is not an IPv6 address", "Write it like 2001:db8::25");
    if (config.server.hostname.empty())
        return failed("server.hostname is empty",
                      "Set it in the configuration file to the host's public name");
    auto store = open_or_report(config);
    if (!store) return 1;
    if (int rc = require_domain(*store, domain)) return rc;

    DnsRecordsInput input;
    input.domain = domain;
    input.hostname = to_lower(config.server.hostname);
    input.ipv4 = args.ipv4;
    input.ipv6 = args.ipv6;
    input.listeners = config.listeners;
    input.dkim = dkim_records(config, domain);
    input.sts_id = sts_id_now();
    std::cout << cli::dns_records(input);
    return 0;
}

}  // namespace tern::cli::detail

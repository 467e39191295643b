// `tern dkim keygen DOMAIN`: makes a DKIM signing key, keeps it in the data
// directory, and prints the TXT record to publish (RFC 6376 3.6.1, RFC 8463).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "base/strings.hpp"
#include "cli/address.hpp"
#include "cli/admin.hpp"
#include "cli/dns_records.hpp"
#include "mailauth/dkim/crypto.hpp"
#include "mailauth/dkim/signer.hpp"

namespace tern::cli::detail {

std::string dkim_key_path(const config::Config& config, std::string_view domain,
                          std::string_view selector) {
    return config.server.data_dir + "/dkim/" + std::string(domain) + "." + std::string(selector) +
           ".pem";
}

int dkim_keygen(const config::Config& config, const Args& args) {
    namespace dkim = mailauth::dkim;
    std::string domain = to_lower(args.domain);
    if (!valid_domain(domain))
        return failed("'" + args.domain + "' is not a domain name", "Write it like example.org");
    dkim::KeyType type;
    if (args.algorithm == "ed25519") {
        type = dkim::KeyType::ed25519;
    } else if (args.algorithm == "rsa") {
        type = dkim::KeyType::rsa;
    } else {
        return failed("unknown algorithm '" + args.algorithm + "'",
                      "Use --algorithm rsa or ed25519");
    }
    std::string selector =
        args.selector.empty() ? (type == dkim::KeyType::rsa ? "rsa" : "ed") : args.selector;
    std::string path = dkim_key_path(config, domain, selector);
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !args.force)
        return failed(
            "a key already exists at " + path,
            "Choose another --selector, or pass --force to replace it (then republish DNS)");
    auto key = dkim::PrivateKey::generate(type, 2048);
    if (!key) return failed("key generation failed: " + key.error().message, "Try again");
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    {
        // The private key is readable by its owner only.
        std::ofstream out(path, std::ios::trunc);
        if (!out) return failed("cannot write " + path, "Check that server.data_dir is writable");
        ::chmod(path.c_str(), 0600);
        out << key->to_pem();
        if (!out.flush()) return failed("cannot write " + path, "Check the disk");
    }
    // Zone files hold at most 255 octets per string (RFC 1035 3.3.14); a
    // longer record (RSA) is written as several strings of one TXT record.
    std::cout << "; DKIM key kept in " << path << "\n"
              << selector << "._domainkey." << domain << ". IN TXT ("
              << zone_txt_strings(dkim::key_record_text(*key)) << ")\n";
    return 0;
}

}  // namespace tern::cli::detail

// `tern dns records DOMAIN [--ip IPV4] [--ipv6 IPV6]`: prints the DNS
// records a local domain should publish (dns_records.hpp), with the DKIM keys
// `tern dkim keygen` kept in <data_dir>/dkim/.
//
// `tern dns query NAME [TYPE] [--nameserver IP:PORT]`: asks the resolver Tern
// itself uses (c-ares with the [dns] settings, dns/cares_resolver.hpp) and
// prints what it answers: each record in RFC 1035 5.1 presentation form, then
// "; rcode=NOERROR ad=1 ttl=N". The AD bit (RFC 4035 3.2.3) says whether the
// validating resolver vouched for the answer, which is what decides whether
// DANE applies (RFC 7672 2.2). Exit 0 with records, 1 for NXDOMAIN or no
// records of that type, 2 when the lookup failed (SERVFAIL, REFUSED, a
// timeout, a bad argument). add_dns_query() declares its arguments; they are
// kept here rather than in Args because only this command reads them.
#include <arpa/inet.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "base/strings.hpp"
#include "cli/address.hpp"
#include "cli/admin.hpp"
#include "cli/dns_records.hpp"
#include "dns/cares_resolver.hpp"
#include "dns/ip_address.hpp"
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

namespace {

// The arguments of `tern dns query`, bound by add_dns_query().
struct QueryArgs {
    std::string name;
    std::string type = "A";
    std::string nameserver;
};

QueryArgs& query_args() {
    static QueryArgs args;
    return args;
}

constexpr std::array kQueryTypes = {
    dns::RecordType::a,   dns::RecordType::aaaa, dns::RecordType::mx,   dns::RecordType::txt,
    dns::RecordType::ptr, dns::RecordType::tlsa, dns::RecordType::cname};

std::optional<dns::RecordType> parse_type(std::string_view text) {
    for (dns::RecordType type : kQueryTypes)
        if (iequals(text, dns::to_string(type))) return type;
    return std::nullopt;
}

// RFC 1035 2.3.4: labels of 1 to 63 octets, at most 253 octets written
// without the final dot. Spaces and control characters are refused so the
// name printed back is the name asked.
bool valid_query_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (char c : name) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if (++label > 63) {
            return false;
        }
    }
    return label > 0;
}

std::string absolute(std::string_view name) {
    return name.empty() ? std::string(".") : std::string(name) + ".";
}

// RFC 1035 5.1: a <character-string> in quotes, with " and \ escaped and
// bytes outside printable ASCII as \DDD. The answer keeps a record's strings
// joined (dns/records.hpp), and RFC 1035 3.3 limits one string to 255
// octets: a longer value is shown cut into 255-octet strings.
std::string quote_txt(std::string_view text) {
    std::string out;
    do {
        std::string_view part = text.substr(0, 255);
        text.remove_prefix(part.size());
        if (!out.empty()) out += ' ';
        out += '"';
        for (unsigned char c : part) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20 || c > 0x7e) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
        out += '"';
    } while (!text.empty());
    return out;
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0x0f];
    }
    return out;
}

// The RDATA of every record in `answer`, in presentation form.
std::vector<std::string> rdata(const dns::Answer& answer) {
    std::vector<std::string> out;
    for (const auto& address : answer.addresses)
        out.push_back(address.to_string());
    for (const auto& mx : answer.mx)
        out.push_back(std::to_string(mx.preference) + " " + absolute(mx.host));
    for (const auto& text : answer.txt)
        out.push_back(quote_txt(text));
    for (const auto& name : answer.names)
        out.push_back(absolute(name));
    // RFC 6698 2.2: usage, selector, matching type, then the data in hex.
    for (const auto& tlsa : answer.tlsa)
        out.push_back(std::to_string(tlsa.usage) + " " + std::to_string(tlsa.selector) + " " +
                      std::to_string(tlsa.matching_type) + " " + hex(tlsa.data));
    return out;
}

int query_failed(std::string_view what, std::string_view todo) {
    failed(what, todo);
    return 2;
}

}  // namespace

void add_dns_query(CLI::App& query) {
    QueryArgs& args = query_args();
    args = QueryArgs{};  // each cli::run() parses afresh (tests run several)
    query.add_option("NAME", args.name, "The name to look up (an IP address for PTR)")->required();
    query.add_option("TYPE", args.type, "A, AAAA, MX, TXT, PTR, TLSA or CNAME")
        ->capture_default_str();
    query
        .add_option("--nameserver", args.nameserver,
                    "Ask this server instead of the [dns] nameservers of the configuration")
        ->type_name("IP:PORT");
}

int dns_query(const config::Config& config, const Args&) {
    const QueryArgs& args = query_args();
    auto type = parse_type(args.type);
    if (!type)
        return query_failed("'" + args.type + "' is not a record type this command asks for",
                            "Use one of A, AAAA, MX, TXT, PTR, TLSA, CNAME");
    std::string name = args.name;
    if (auto ip = dns::IpAddress::parse(name); ip && *type == dns::RecordType::ptr)
        name = ip->reverse_name();  // RFC 1035 3.5, RFC 3596 2.5
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (!valid_query_name(name))
        return query_failed("'" + args.name + "' is not a domain name",
                            "Write it like mx.example.org");

    dns::CaresOptions options;
    options.nameservers = args.nameserver.empty() ? config.dns.nameservers : args.nameserver;
    options.timeout = std::chrono::milliseconds(config.dns.timeout_ms);
    options.cache_entries = 0;  // one question: nothing to reuse
    auto resolver = dns::BlockingCaresResolver::create(options);
    if (!resolver)
        return query_failed(resolver.error().message,
                            "Write nameservers as IP[:PORT],... (dns.nameservers, --nameserver)");

    dns::Answer answer = (*resolver)->query({name, *type});
    // CNAME chains are followed (RFC 1034 3.6.2): the records belong to the
    // chain's last name.
    std::string owner = *type == dns::RecordType::cname ? name : answer.canonical_name;
    if (owner.empty()) owner = name;
    if (!iequals(owner, name))
        std::cout << "; " << absolute(name) << " is an alias of " << absolute(owner) << "\n";
    std::vector<std::string> records = rdata(answer);
    for (const auto& data : records)
        std::cout << absolute(owner) << " " << answer.ttl << " IN " << dns::to_string(*type) << " "
                  << data << "\n";
    if (answer.ok() && records.empty())
        std::cout << "; no " << dns::to_string(*type) << " records\n";
    std::cout << "; rcode=" << dns::to_string(answer.rcode)
              << " ad=" << (answer.authenticated ? 1 : 0) << " ttl=" << answer.ttl << "\n";
    if (answer.rcode == dns::Rcode::noerror) return records.empty() ? 1 : 0;
    return answer.rcode == dns::Rcode::nxdomain ? 1 : 2;
}

}  // namespace tern::cli::detail

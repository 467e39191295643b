// Zone-file text for `tern dns records`; see dns_records.hpp.
#include "cli/dns_records.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdio>
#include <optional>

namespace tern::cli {

namespace {

constexpr const char* kTtl = "3600";

std::string absolute(std::string_view name) {
    std::string out(name);
    if (out.empty() || out.back() != '.') out += '.';
    return out;
}

class Zone {
  public:
    void comment(std::string_view text) { out_ += "; " + std::string(text) + "\n"; }
    void blank() { out_ += "\n"; }
    void record(std::string_view name, std::string_view type, std::string_view rdata) {
        out_ += absolute(name) + " " + kTtl + " IN " + std::string(type) + " " +
                std::string(rdata) + "\n";
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

// The first listener of `protocol` with (implicit) or without implicit TLS.
std::optional<uint16_t> port_of(const std::vector<config::Listener>& listeners,
                                config::Protocol protocol, bool implicit) {
    for (const auto& l : listeners)
        if (l.protocol == protocol && (l.tls == config::TlsMode::implicit) == implicit)
            return l.port;
    return std::nullopt;
}

void add_host(Zone& z, const DnsRecordsInput& in) {
    z.comment("Mail for " + in.domain + " goes to this host (RFC 5321 5.1).");
    z.record(in.domain, "MX", "10 " + absolute(in.hostname));
    z.comment("The host's addresses (publish them in the zone of " + in.hostname + ").");
    if (in.ipv4.empty() && in.ipv6.empty())
        z.comment("Add its A and AAAA records, or run this again with --ip and --ipv6.");
    if (!in.ipv4.empty()) z.record(in.hostname, "A", in.ipv4);
    if (!in.ipv6.empty()) z.record(in.hostname, "AAAA", in.ipv6);
}

void add_dkim(Zone& z, const DnsRecordsInput& in) {
    z.comment("DKIM public keys (RFC 6376 3.6.1, RFC 8463): receivers check signatures with them.");
    if (in.dkim.empty())
        z.comment("No DKIM key yet: run `tern dkim keygen " + in.domain +
                  "` (and with --algorithm ed25519), then run this again.");
    for (const auto& key : in.dkim)
        z.record(key.selector + "._domainkey." + in.domain, "TXT", zone_txt_strings(key.text));
}

void add_mta_sts(Zone& z, const DnsRecordsInput& in) {
    std::string host = "mta-sts." + in.domain;
    z.comment("MTA-STS (RFC 8461): senders require TLS to your MX. Serve this policy at");
    z.comment("https://" + host + "/.well-known/mta-sts.txt (RFC 8461 3.2), over HTTPS with a");
    z.comment("certificate valid for " + host + ":");
    z.comment("    version: STSv1");
    z.comment("    mode: testing");
    z.comment("    mx: " + in.hostname);
    z.comment("    max_age: 604800");
    z.comment("and point " + host + " at the web server that serves it, for example:");
    z.comment(absolute(host) + " " + kTtl + " IN CNAME " + absolute(in.hostname));
    if (!in.ipv4.empty()) z.comment("or " + absolute(host) + " " + kTtl + " IN A " + in.ipv4);
    // RFC 8461 3.1: change the id whenever the policy changes.
    z.record("_mta-sts." + in.domain, "TXT", zone_txt_strings("v=STSv1; id=" + in.sts_id));
}

void add_srv(Zone& z, const DnsRecordsInput& in) {
    z.comment("Mail client autoconfiguration (RFC 6186, RFC 8314 5.1). A target of \".\" says");
    z.comment("the service is not offered here (RFC 2782).");
    struct Service {
        const char* name;
        config::Protocol protocol;
        bool implicit;
    };
    static constexpr std::array<Service, 6> kServices{{
        {"_submission._tcp.", config::Protocol::submission, false},
        {"_submissions._tcp.", config::Protocol::submission, true},  // RFC 8314 5.1
        {"_imap._tcp.", config::Protocol::imap, false},
        {"_imaps._tcp.", config::Protocol::imap, true},
        {"_pop3._tcp.", config::Protocol::pop3, false},
        {"_pop3s._tcp.", config::Protocol::pop3, true},
    }};
    for (const auto& s : kServices) {
        // RFC 2782: priority weight port target; weight 0 when there is no
        // choice between servers.
        auto port = port_of(in.listeners, s.protocol, s.implicit);
        std::string rdata =
            port ? "0 0 " + std::to_string(*port) + " " + absolute(in.hostname) : "0 0 0 .";
        z.record(s.name + in.domain, "SRV", rdata);
    }
}

}  // namespace

std::string zone_txt_strings(std::string_view text) {
    std::string out;
    // RFC 1035 3.3.14: a TXT record holds one or more strings of <= 255 octets.
    for (std::size_t i = 0; i < text.size() || i == 0; i += 255) {
        if (i) out += ' ';
        out += '"';
        for (char c : text.substr(i, 255)) {
            if (c == '"' || c == '\\') out += '\\';  // RFC 1035 5.1 quoting
            out += c;
        }
        out += '"';
        if (text.empty()) break;
    }
    return out;
}

std::string reverse_name(std::string_view ip) {
    std::string text(ip);
    std::array<unsigned char, 16> bytes{};
    std::string out;
    if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
        for (int i = 3; i >= 0; --i)
            out += std::to_string(bytes[i]) + ".";
        return out + "in-addr.arpa.";
    }
    if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
        static constexpr char kHex[] = "0123456789abcdef";
        for (int i = 15; i >= 0; --i) {
            out += kHex[bytes[i] & 0xf];
            out += '.';
            out += kHex[bytes[i] >> 4];
            out += '.';
        }
        return out + "ip6.arpa.";
    }
    return "";
}

std::string dns_records(const DnsRecordsInput& input) {
    // The MTA-STS policy names the MX host without the trailing dot.
    DnsRecordsInput in = input;
    if (!in.hostname.empty() && in.hostname.back() == '.') in.hostname.pop_back();
    Zone z;
    z.comment("DNS records for " + in.domain + ", to add to its zone (TTL " + kTtl + " seconds).");
    z.blank();
    add_host(z, in);
    z.blank();
    z.comment("SPF (RFC 7208): only the domain's MX hosts send its mail.");
    z.record(in.domain, "TXT", zone_txt_strings("v=spf1 mx -all"));
    z.blank();
    add_dkim(z, in);
    z.blank();
    z.comment("DMARC (RFC 7489): quarantine mail that fails SPF and DKIM alignment;");
    z.comment("aggregate reports go to postmaster@" + in.domain + ".");
    z.record("_dmarc." + in.domain, "TXT",
             zone_txt_strings("v=DMARC1; p=quarantine; rua=mailto:postmaster@" + in.domain));
    z.blank();
    add_mta_sts(z, in);
    z.blank();
    z.comment("TLS reporting (RFC 8460): senders report TLS failures to postmaster@" + in.domain +
              ".");
    z.record("_smtp._tls." + in.domain, "TXT",
             zone_txt_strings("v=TLSRPTv1; rua=mailto:postmaster@" + in.domain));
    z.blank();
    add_srv(z, in);
    std::string v4 = reverse_name(in.ipv4), v6 = reverse_name(in.ipv6);
    if (!v4.empty() || !v6.empty()) {
        z.blank();
        z.comment("Reverse DNS: ask your hosting provider for these PTR records (receivers");
        z.comment("check that the address's name leads back to it, RFC 8601 2.7.3).");
        if (!v4.empty()) z.comment(v4 + " " + kTtl + " IN PTR " + absolute(in.hostname));
        if (!v6.empty()) z.comment(v6 + " " + kTtl + " IN PTR " + absolute(in.hostname));
    }
    return z.take();
}

}  // namespace tern::cli

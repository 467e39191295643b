// The typed, immutable configuration model (DESIGN.md rule 6).
//
// One TOML file maps onto Config; every key has a default here and a line in
// docs/configuration.md. load_config() rejects unknown keys and bad values
// with a message naming the key and what to do. Nothing reads configuration
// from globals: the composition root (app/) passes the pieces down, and a
// reload (SIGHUP) builds a whole new Config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::config {

enum class Protocol { smtp, submission, imap, pop3 };
enum class TlsMode { none, starttls, implicit };

struct Listener {
    Protocol protocol = Protocol::smtp;
    std::string address = "0.0.0.0";  // IPv4 or IPv6 literal
    uint16_t port = 25;
    TlsMode tls = TlsMode::starttls;
};

struct Server {
    std::string hostname;  // default: the machine's host name
    std::string data_dir = "/var/lib/tern";
    std::string log_level = "info";
    unsigned threads = 0;                  // 0: one per CPU core
    unsigned shutdown_grace_seconds = 30;  // SIGTERM: sessions may finish this long
};

struct Tls {
    std::string cert_file;  // PEM chain; empty: <data_dir>/tls/cert.pem (generated if missing)
    std::string key_file;   // PEM key;   empty: <data_dir>/tls/key.pem
};

struct Limits {
    unsigned max_connections = 20000;
    unsigned max_connections_per_ip = 100;
};

struct Smtp {
    unsigned idle_timeout_seconds = 300;  // RFC 5321 4.5.3.2.7: at least 5 minutes
    // RFC 5321 4.5.3.1.4/6: 1000 octets with CRLF (commands use 512).
    unsigned max_line_length = 1000;
    uint64_t max_message_size = 50ull * 1024 * 1024;
    unsigned max_recipients = 100;
    unsigned max_errors = 10;
    unsigned greeting_delay_ms = 1000;        // port 25: wait this long for early talkers (0: off)
    unsigned submission_rate_per_hour = 500;  // messages one user may submit per hour (0: no limit)
};

struct Imap {
    unsigned idle_timeout_seconds = 1800;  // RFC 9051 5.4: at least 30 minutes
    unsigned max_line_length = 65536;
};

struct Pop3 {
    unsigned idle_timeout_seconds = 600;  // RFC 1939 3: at least 10 minutes
    unsigned max_line_length = 255;       // RFC 2449 4: 255 octets with CRLF
    bool delete_retrieved = false;        // delete messages once RETR sent them (server policy)
};

struct Store {
    std::string backend = "sqlite";
    std::string path;  // empty: <data_dir>/tern.db
    unsigned group_commit_max_batch = 256;
    unsigned worker_threads = 16;  // threads that run blocking store calls
};

struct Auth {
    unsigned argon2_memory_kib = 65536;  // RFC 9106 4, second recommended option
    unsigned argon2_iterations = 3;
    unsigned argon2_parallelism = 1;
    unsigned cache_ttl_seconds = 120;   // verified-credential cache lifetime
    unsigned max_failures_per_ip = 10;  // within failure_window_seconds
    unsigned max_failures_per_account = 20;
    unsigned failure_window_seconds = 900;
    bool allow_plaintext_without_tls = false;  // LOGIN/USER/AUTH before TLS
};

struct Dns {
    std::string nameservers;     // "ip[:port],..."; empty: /etc/resolv.conf
    unsigned timeout_ms = 2000;  // per try; c-ares tries 3 times per server
};

// Outbound delivery (the queue and the SMTP client).
struct Queue {
    std::string helo_name;                  // empty: server.hostname
    unsigned smtp_port = 25;                // port of remote MX hosts (tests change it)
    unsigned retry_initial_seconds = 300;   // first retry after a temporary failure
    unsigned retry_max_seconds = 14400;     // backoff doubles up to this
    unsigned max_age_seconds = 432000;      // 5 days, then bounce (RFC 5321 4.5.4.1)
    unsigned delay_notice_seconds = 14400;  // 4 hours; 0: no delay notices
    unsigned max_deliveries = 50;           // concurrent deliveries overall
    unsigned max_per_destination = 5;       // concurrent connections per destination
    unsigned connect_timeout_seconds = 30;
    unsigned command_timeout_seconds = 300;  // RFC 5321 4.5.3.2: 5 minutes (10 after DATA)
    unsigned scan_interval_seconds = 10;     // how often the queue is checked for new work
    std::string smarthost;                   // "host[:port]": relay everything there
    std::string smarthost_user;              // AUTH to the smarthost (after STARTTLS)
    std::string smarthost_password_file;     // file holding the password
    std::string tls_ca_file;                 // CA bundle to verify peers; empty: the system's
    bool dane = true;     // RFC 7672: authenticate MX hosts that publish secure TLSA records
    bool mta_sts = true;  // RFC 8461: honour the policies recipient domains publish
    unsigned mta_sts_port = 443;  // HTTPS port of mta-sts.<domain> (tests change it)
};

// How TLS is used with one destination (Postfix's smtp_tls_security_level).
enum class TlsPolicy {
    standard,  // the global behaviour: DANE where published, else MTA-STS, else opportunistic
    none,      // never STARTTLS
    may,       // opportunistic (RFC 7435): TLS when offered, unauthenticated, clear if it fails
    encrypt,   // TLS required, certificate not checked
    verify,    // TLS required, certificate must verify (tls_ca_file) for the host's name
};

// A [[transport]] table: where and how mail for some domains goes, instead of
// their MX records.
struct Transport {
    std::string domain;  // "example.com"; ".example.com": its subdomains; "*": every other domain
    // Empty: the recipient domain's MX. "host" or "host:port": the MX of
    // host; "[host]" or "[host]:port": host's addresses, no MX lookup
    // (Postfix's convention). Port 25 unless given.
    std::string relay;
    TlsPolicy tls = TlsPolicy::standard;
    std::string user;           // AUTH user at the relay (after verified STARTTLS only)
    std::string password_file;  // its password
};

// Checks of mail arriving on port 25 (SPF, DKIM, DMARC) and the
// Authentication-Results field they leave (RFC 8601).
struct Mailauth {
    std::string authserv_id;    // RFC 8601 2.5; empty: server.hostname
    bool spf = true;            // RFC 7208 on MAIL FROM (HELO for the null path)
    bool dkim_verify = true;    // RFC 6376 6 on every DKIM-Signature
    bool dmarc = true;          // RFC 7489 6.6 (needs spf and dkim_verify for a pass)
    bool dmarc_enforce = true;  // act on reject/quarantine; false: only record
    bool arc = true;            // RFC 8617 5.2: validate ARC chains, record arc=
    bool arc_seal = true;       // RFC 8617 5.1: seal mail forwarded to external alias targets
    std::string public_suffix_list = "/usr/share/publicsuffix/public_suffix_list.dat";
    // RFC 5782 DNS blocklists asked at connect, comma-separated zones; empty:
    // none (and no DNS at connect). Parsed by smtp/server/dnsbl.hpp.
    std::string dnsbl_zones;
    // RFC 5782 3 domain lists asked at MAIL FROM for the sender's domain and
    // its organizational domain (port 25); empty: none. Same syntax.
    std::string dnsbl_domain_zones;
    // RFC 8601 2.7.3: forward-confirmed reverse DNS of every port-25 client,
    // recorded as iprev= in Authentication-Results.
    bool iprev = true;
    // RFC 7489 7.2: daily aggregate reports to the rua of the domains whose
    // mail arrived; the reports' From and <org_name> (empty: from the host name).
    bool dmarc_reports = true;
    std::string dmarc_report_from;  // empty: noreply-dmarc@<server.hostname>
    std::string dmarc_report_org;   // empty: server.hostname
};

struct Config {
    bool dev = false;         // set by --dev, not by the file
    std::string config_file;  // the file it was loaded from (for SIGHUP); set by load_config
    Server server;
    Tls tls;
    Limits limits;
    Smtp smtp;
    Imap imap;
    Pop3 pop3;
    Store store;
    Auth auth;
    Dns dns;
    Queue queue;
    Mailauth mailauth;
    std::vector<Listener> listeners;    // [[listen]] tables; empty file: the standard ports
    std::vector<Transport> transports;  // [[transport]] tables, in file order

    // Derived paths (data_dir joined with the defaults above).
    std::string store_path() const;
    std::string cert_path() const;
    std::string key_path() const;
};

// Parses TOML text. `origin` names the file in error messages.
// Errors (all Errc::invalid) name the file, the line and what is expected:
//   TOML syntax:   "<origin>:<line>:<col>: <what the TOML parser found>"
//   unknown names: "<origin>: unknown key 'smtp.max_size' at line 12; see docs/configuration.md"
//   bad values:    "<origin>: smtp.max_recipients at line 4 must be an integer from 1 to ..."
// Keys left out take the member initializers above; server.hostname defaults
// to gethostname() and an empty [[listen]] list to default_listeners().
Result<Config> parse_config(std::string_view toml_text, std::string_view origin);

// Reads and parses a file; a missing file is an error that says so (Errc::not_found,
// Errc::io when it cannot be read).
Result<Config> load_config(const std::string& path);

// The configuration of `tern serve --dev`: no file, data in ./var/dev,
// listeners on 127.0.0.1 (SMTP 2525, submission 2587 STARTTLS, submissions
// 2465 implicit TLS, IMAP 1143, IMAPS 1993, POP3 1110, POP3S 1995).
Config dev_config();

// The standard listeners: 25, 587, 465, 143, 993, 110, 995 on all addresses.
std::vector<Listener> default_listeners();

std::string_view to_string(Protocol p);
std::string_view to_string(TlsMode m);
std::string_view to_string(TlsPolicy p);

// A relay as written in queue.smarthost or a [[transport]]'s relay:
// "host", "host:port", "[host]", "[host]:port", "[2001:db8::1]:25".
struct RelayAddress {
    std::string host;  // without brackets
    uint16_t port = 0;
    bool bracketed = false;  // "[host]": connect to its addresses, no MX lookup
};
// Nullopt when the text is not one of those forms (an empty host, a bad port).
std::optional<RelayAddress> parse_relay(std::string_view text, uint16_t default_port);

// Every key parse_config() accepts, as "section.key" ("smtp.max_recipients"),
// with the [[listen]] keys as "listen.protocol" and so on (and
// "transport.domain" ...). Tests use it to
// keep docs/configuration.md and docs/tern.example.toml complete.
std::vector<std::string> known_keys();

}  // namespace tern::config

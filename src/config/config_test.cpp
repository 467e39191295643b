// Tests for the configuration parser, its defaults and the documentation
// that must describe every key it accepts.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "testing/temp_dir.hpp"

namespace tern::config {
namespace {

using ::testing::HasSubstr;

Config parse_ok(std::string_view text) {
    auto c = parse_config(text, "test.toml");
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? *c : Config{};
}

std::string parse_error(std::string_view text) {
    auto c = parse_config(text, "test.toml");
    EXPECT_FALSE(c.ok()) << "expected an error for:\n" << text;
    if (c.ok()) return {};
    EXPECT_EQ(c.error().code, Errc::invalid);
    return c.error().message;
}

std::string source_file(const std::string& relative) {
    const char* root = std::getenv("TERN_SOURCE_DIR");
    EXPECT_NE(root, nullptr) << "TERN_SOURCE_DIR is set by ctest";
    return std::string(root ? root : ".") + "/" + relative;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void expect_listener(const Listener& l, Protocol p, std::string_view address, uint16_t port,
                     TlsMode tls) {
    EXPECT_EQ(l.protocol, p);
    EXPECT_EQ(l.address, address);
    EXPECT_EQ(l.port, port);
    EXPECT_EQ(l.tls, tls);
}

TEST(ConfigDefaults, EmptyFileGivesMemberDefaults) {
    Config c = parse_ok("");
    Config d;
    char host[256] = {};
    ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
    EXPECT_EQ(c.server.hostname, host[0] ? std::string(host) : "localhost");
    EXPECT_FALSE(c.dev);
    EXPECT_EQ(c.server.data_dir, "/var/lib/tern");
    EXPECT_EQ(c.server.log_level, "info");
    EXPECT_EQ(c.server.threads, d.server.threads);
    EXPECT_EQ(c.server.shutdown_grace_seconds, 30u);
    EXPECT_EQ(c.limits.max_connections, 20000u);
    EXPECT_EQ(c.smtp.max_message_size, 50ull * 1024 * 1024);
    EXPECT_EQ(c.smtp.max_recipients, 100u);
    EXPECT_EQ(c.smtp.max_line_length, 1000u);
    EXPECT_EQ(c.smtp.greeting_delay_ms, 1000u);
    EXPECT_EQ(c.imap.idle_timeout_seconds, 1800u);
    EXPECT_EQ(c.pop3.max_line_length, 255u);
    EXPECT_EQ(c.store.backend, "sqlite");
    EXPECT_EQ(c.auth.argon2_memory_kib, 65536u);
    EXPECT_FALSE(c.auth.allow_plaintext_without_tls);
    EXPECT_EQ(c.store_path(), "/var/lib/tern/tern.db");
    EXPECT_EQ(c.cert_path(), "/var/lib/tern/tls/cert.pem");
    EXPECT_EQ(c.key_path(), "/var/lib/tern/tls/key.pem");
}

TEST(ConfigDefaults, NoListenTablesGivesTheStandardPorts) {
    Config c = parse_ok("[server]\nhostname = \"mx.example.org\"\n");
    ASSERT_EQ(c.listeners.size(), 7u);
    expect_listener(c.listeners[0], Protocol::smtp, "0.0.0.0", 25, TlsMode::starttls);
    expect_listener(c.listeners[1], Protocol::submission, "0.0.0.0", 587, TlsMode::starttls);
    expect_listener(c.listeners[2], Protocol::submission, "0.0.0.0", 465, TlsMode::implicit);
    expect_listener(c.listeners[3], Protocol::imap, "0.0.0.0", 143, TlsMode::starttls);
    expect_listener(c.listeners[4], Protocol::imap, "0.0.0.0", 993, TlsMode::implicit);
    expect_listener(c.listeners[5], Protocol::pop3, "0.0.0.0", 110, TlsMode::starttls);
    expect_listener(c.listeners[6], Protocol::pop3, "0.0.0.0", 995, TlsMode::implicit);
    EXPECT_EQ(default_listeners().size(), 7u);
}

TEST(ConfigDefaults, PathsFollowDataDirUnlessSet) {
    Config c = parse_ok("[server]\ndata_dir = \"/srv/mail/\"\n");
    EXPECT_EQ(c.store_path(), "/srv/mail/tern.db");
    EXPECT_EQ(c.cert_path(), "/srv/mail/tls/cert.pem");
    c = parse_ok(
        "[server]\ndata_dir = \"/srv/mail\"\n[store]\npath = \"/db/t.db\"\n"
        "[tls]\ncert_file = \"/c.pem\"\nkey_file = \"/k.pem\"\n");
    EXPECT_EQ(c.store_path(), "/db/t.db");
    EXPECT_EQ(c.cert_path(), "/c.pem");
    EXPECT_EQ(c.key_path(), "/k.pem");
}

TEST(ConfigParse, EveryKeyIsRead) {
    Config c = parse_ok(R"(
[server]
hostname = "mx1.example.org"
data_dir = "/srv/tern"
log_level = "debug"
threads = 4
shutdown_grace_seconds = 5
[tls]
cert_file = "/etc/tern/cert.pem"
key_file = "/etc/tern/key.pem"
[limits]
max_connections = 500
max_connections_per_ip = 7
[smtp]
idle_timeout_seconds = 301
max_line_length = 2000
max_message_size = 10000000000
max_recipients = 1000
max_errors = 3
greeting_delay_ms = 0
[imap]
idle_timeout_seconds = 1801
max_line_length = 8192
[pop3]
idle_timeout_seconds = 601
max_line_length = 512
[store]
backend = "sqlite"
path = "/srv/db/tern.db"
group_commit_max_batch = 64
worker_threads = 2
[auth]
argon2_memory_kib = 19456
argon2_iterations = 2
argon2_parallelism = 2
cache_ttl_seconds = 0
max_failures_per_ip = 11
max_failures_per_account = 21
failure_window_seconds = 60
allow_plaintext_without_tls = true
)");
    EXPECT_EQ(c.server.hostname, "mx1.example.org");
    EXPECT_EQ(c.server.data_dir, "/srv/tern");
    EXPECT_EQ(c.server.log_level, "debug");
    EXPECT_EQ(c.server.threads, 4u);
    EXPECT_EQ(c.server.shutdown_grace_seconds, 5u);
    EXPECT_EQ(c.tls.cert_file, "/etc/tern/cert.pem");
    EXPECT_EQ(c.tls.key_file, "/etc/tern/key.pem");
    EXPECT_EQ(c.limits.max_connections, 500u);
    EXPECT_EQ(c.limits.max_connections_per_ip, 7u);
    EXPECT_EQ(c.smtp.idle_timeout_seconds, 301u);
    EXPECT_EQ(c.smtp.max_line_length, 2000u);
    EXPECT_EQ(c.smtp.max_message_size, 10000000000ull);
    EXPECT_EQ(c.smtp.max_recipients, 1000u);
    EXPECT_EQ(c.smtp.max_errors, 3u);
    EXPECT_EQ(c.smtp.greeting_delay_ms, 0u);
    EXPECT_EQ(c.imap.idle_timeout_seconds, 1801u);
    EXPECT_EQ(c.imap.max_line_length, 8192u);
    EXPECT_EQ(c.pop3.idle_timeout_seconds, 601u);
    EXPECT_EQ(c.pop3.max_line_length, 512u);
    EXPECT_EQ(c.store.backend, "sqlite");
    EXPECT_EQ(c.store.path, "/srv/db/tern.db");
    EXPECT_EQ(c.store.group_commit_max_batch, 64u);
    EXPECT_EQ(c.store.worker_threads, 2u);
    EXPECT_EQ(c.auth.argon2_memory_kib, 19456u);
    EXPECT_EQ(c.auth.argon2_iterations, 2u);
    EXPECT_EQ(c.auth.argon2_parallelism, 2u);
    EXPECT_EQ(c.auth.cache_ttl_seconds, 0u);
    EXPECT_EQ(c.auth.max_failures_per_ip, 11u);
    EXPECT_EQ(c.auth.max_failures_per_account, 21u);
    EXPECT_EQ(c.auth.failure_window_seconds, 60u);
    EXPECT_TRUE(c.auth.allow_plaintext_without_tls);
}

TEST(ConfigParse, DottedKeysAreTheSameKeys) {
    Config c = parse_ok("smtp.max_recipients = 5\nauth.argon2_iterations = 4\n");
    EXPECT_EQ(c.smtp.max_recipients, 5u);
    EXPECT_EQ(c.auth.argon2_iterations, 4u);
}

TEST(ConfigErrors, UnknownKeyNamesItAndItsLine) {
    std::string e = parse_error("[smtp]\nmax_recipients = 10\n\nmax_size = 1\n");
    EXPECT_THAT(e, HasSubstr("test.toml"));
    EXPECT_THAT(e, HasSubstr("unknown key 'smtp.max_size' at line 4"));
    EXPECT_THAT(e, HasSubstr("docs/configuration.md"));
}

TEST(ConfigErrors, UnknownTableNamesItAndItsLine) {
    std::string e = parse_error("[server]\nthreads = 1\n[smtpd]\nmax_recipients = 1\n");
    EXPECT_THAT(e, HasSubstr("unknown table 'smtpd' at line 3"));
    e = parse_error("# comment\nverbose = true\n");
    EXPECT_THAT(e, HasSubstr("unknown key 'verbose' at line 2"));
    e = parse_error("[[listen]]\nprotocol = \"imap\"\nproto = \"tcp\"\n");
    EXPECT_THAT(e, HasSubstr("unknown key 'listen.proto' at line 3"));
    // "dev" is set by --dev only, never by the file.
    e = parse_error("dev = true\n");
    EXPECT_THAT(e, HasSubstr("unknown key 'dev' at line 1"));
}

TEST(ConfigErrors, SyntaxErrorsGiveFileLineAndColumn) {
    std::string e = parse_error("[server]\nthreads = = 2\n");
    EXPECT_THAT(e, HasSubstr("test.toml:2:"));
    e = parse_error("[smtp\n");
    EXPECT_THAT(e, HasSubstr("test.toml:1:"));
}

TEST(ConfigErrors, WrongTypesSayWhatIsExpected) {
    std::string e = parse_error("[smtp]\nmax_recipients = \"100\"\n");
    EXPECT_THAT(e, HasSubstr("smtp.max_recipients at line 2 must be an integer from 1 to"));
    EXPECT_THAT(e, HasSubstr("not a string"));
    e = parse_error("[smtp]\nmax_message_size = 1.5\n");
    EXPECT_THAT(e, HasSubstr("not a float"));
    e = parse_error("[auth]\nallow_plaintext_without_tls = 1\n");
    EXPECT_THAT(e, HasSubstr("auth.allow_plaintext_without_tls at line 2 must be true or false"));
    e = parse_error("[server]\nhostname = 42\n");
    EXPECT_THAT(e, HasSubstr("server.hostname at line 2 must be a string, not an integer"));
    e = parse_error("smtp = 5\n");
    EXPECT_THAT(e, HasSubstr("must be a table"));
    e = parse_error("listen = 5\n");
    EXPECT_THAT(e, HasSubstr("must be an array of tables"));
}

TEST(ConfigErrors, OutOfRangeValuesSayTheRange) {
    std::string e = parse_error("[smtp]\nmax_recipients = 0\n");
    EXPECT_THAT(e, HasSubstr("from 1 to 4294967295, not 0"));
    e = parse_error("[smtp]\nmax_message_size = -5\n");
    EXPECT_THAT(e, HasSubstr("not -5"));
    e = parse_error("[smtp]\nmax_line_length = 999\n");
    EXPECT_THAT(e, HasSubstr("from 1000 to"));
    e = parse_error("[limits]\nmax_connections = 4294967296\n");
    EXPECT_THAT(e, HasSubstr("limits.max_connections at line 2"));
    e = parse_error("[server]\nlog_level = \"verbose\"\n");
    EXPECT_THAT(e, HasSubstr("one of trace, debug, info, warn, error"));
    e = parse_error("[store]\nbackend = \"postgres\"\n");
    EXPECT_THAT(e, HasSubstr("must be \"sqlite\""));
    e = parse_error("[server]\ndata_dir = \"var/tern\"\n");
    EXPECT_THAT(e, HasSubstr("absolute path"));
    e = parse_error("[server]\nhostname = \"bad host\"\n");
    EXPECT_THAT(e, HasSubstr("must be a host name"));
    e = parse_error("[auth]\nargon2_memory_kib = 16\nargon2_parallelism = 4\n");
    EXPECT_THAT(e, HasSubstr("auth.argon2_memory_kib at line 2 must be at least 8 times"));
    e = parse_error("[limits]\nmax_connections = 10\nmax_connections_per_ip = 11\n");
    EXPECT_THAT(e, HasSubstr("must not exceed limits.max_connections at line 2"));
    e = parse_error("[tls]\ncert_file = \"/etc/c.pem\"\n");
    EXPECT_THAT(e, HasSubstr("set together"));
}

// mailauth.dnsbl_zones and dnsbl_domain_zones: comma-separated DNS names
// (RFC 1035 2.3.4 sizes); spaces, empty items and a trailing dot are fine.
TEST(ConfigMailauth, BlocklistZonesAreValidated) {
    Config c = parse_ok(
        "[mailauth]\ndnsbl_zones = \" zen.spamhaus.org, bl_x.example. ,\"\n"
        "dnsbl_domain_zones = \"dbl.spamhaus.org\"\niprev = false\n");
    EXPECT_EQ(c.mailauth.dnsbl_zones, " zen.spamhaus.org, bl_x.example. ,");
    EXPECT_EQ(c.mailauth.dnsbl_domain_zones, "dbl.spamhaus.org");
    EXPECT_FALSE(c.mailauth.iprev);
    Config d = parse_ok("");
    EXPECT_TRUE(d.mailauth.iprev);
    EXPECT_TRUE(d.mailauth.dnsbl_domain_zones.empty());
    for (const char* bad :
         {"dbl example", "dbl..example", "ok.example, bad/zone", ".", "a.example, ."}) {
        std::string e =
            parse_error(std::string("[mailauth]\ndnsbl_domain_zones = \"") + bad + "\"\n");
        EXPECT_THAT(e, HasSubstr("mailauth.dnsbl_domain_zones at line 2 must be comma-separated "
                                 "DNS zones"))
            << bad;
    }
    std::string e =
        parse_error("[mailauth]\ndnsbl_zones = \"" + std::string(64, 'a') + ".example\"\n");
    EXPECT_THAT(e, HasSubstr("mailauth.dnsbl_zones at line 2"));
}

TEST(ConfigListen, TablesAreParsedWithStandardPortDefaults) {
    Config c = parse_ok(R"(
[[listen]]
protocol = "smtp"
address = "192.0.2.1"
port = 2525
tls = "none"

[[listen]]
protocol = "submission"
tls = "implicit"

[[listen]]
protocol = "imap"
address = "::1"

[[listen]]
protocol = "pop3"
tls = "implicit"
)");
    ASSERT_EQ(c.listeners.size(), 4u);
    expect_listener(c.listeners[0], Protocol::smtp, "192.0.2.1", 2525, TlsMode::none);
    expect_listener(c.listeners[1], Protocol::submission, "0.0.0.0", 465, TlsMode::implicit);
    expect_listener(c.listeners[2], Protocol::imap, "::1", 143, TlsMode::starttls);
    expect_listener(c.listeners[3], Protocol::pop3, "0.0.0.0", 995, TlsMode::implicit);
}

TEST(ConfigListen, SenselessListenersAreRejected) {
    std::string e = parse_error("[[listen]]\nprotocol = \"smtp\"\ntls = \"implicit\"\n");
    EXPECT_THAT(e, HasSubstr("not allowed for protocol smtp"));
    e = parse_error("[[listen]]\nprotocol = \"http\"\n");
    EXPECT_THAT(e, HasSubstr("must be smtp, submission, imap or pop3"));
    e = parse_error("[[listen]]\nport = 25\n");
    EXPECT_THAT(e, HasSubstr("'protocol' is required in the [[listen]] at line 1"));
    e = parse_error("[[listen]]\nprotocol = \"imap\"\nport = 0\n");
    EXPECT_THAT(e,
                HasSubstr("port in the [[listen]] at line 1 must be an integer from 1 to 65535"));
    e = parse_error("[[listen]]\nprotocol = \"imap\"\nport = 65536\n");
    EXPECT_THAT(e, HasSubstr("from 1 to 65535"));
    e = parse_error("[[listen]]\nprotocol = \"imap\"\naddress = \"localhost\"\n");
    EXPECT_THAT(e, HasSubstr("IPv4 or IPv6 address"));
    e = parse_error("[[listen]]\nprotocol = \"imap\"\ntls = \"ssl\"\n");
    EXPECT_THAT(e, HasSubstr("\"none\", \"starttls\" or \"implicit\""));
    e = parse_error(
        "[[listen]]\nprotocol = \"imap\"\n\n[[listen]]\nprotocol = \"pop3\"\nport = 143\n");
    EXPECT_THAT(e, HasSubstr("the [[listen]] at line 4 uses the same port as the one at line 1"));
    e = parse_error(
        "[[listen]]\nprotocol = \"imap\"\naddress = \"127.0.0.1\"\n"
        "[[listen]]\nprotocol = \"imap\"\n");
    EXPECT_THAT(e, HasSubstr("same port"));
}

TEST(ConfigListen, IPv4AndIPv6WildcardsMayShareAPort) {
    Config c = parse_ok(
        "[[listen]]\nprotocol = \"imap\"\naddress = \"0.0.0.0\"\n"
        "[[listen]]\nprotocol = \"imap\"\naddress = \"::\"\n");
    EXPECT_EQ(c.listeners.size(), 2u);
}

TEST(ConfigDev, DevConfigValues) {
    Config c = dev_config();
    EXPECT_TRUE(c.dev);
    EXPECT_EQ(c.server.data_dir, (std::filesystem::current_path() / "var" / "dev").string());
    EXPECT_EQ(c.server.hostname, "localhost");
    EXPECT_EQ(c.server.log_level, "info");
    EXPECT_FALSE(c.auth.allow_plaintext_without_tls);
    EXPECT_EQ(c.auth.argon2_memory_kib, Auth{}.argon2_memory_kib);
    EXPECT_EQ(c.auth.argon2_iterations, Auth{}.argon2_iterations);
    EXPECT_EQ(c.store_path(), c.server.data_dir + "/tern.db");
    ASSERT_EQ(c.listeners.size(), 7u);
    expect_listener(c.listeners[0], Protocol::smtp, "127.0.0.1", 2525, TlsMode::starttls);
    expect_listener(c.listeners[1], Protocol::submission, "127.0.0.1", 2587, TlsMode::starttls);
    expect_listener(c.listeners[2], Protocol::submission, "127.0.0.1", 2465, TlsMode::implicit);
    expect_listener(c.listeners[3], Protocol::imap, "127.0.0.1", 1143, TlsMode::starttls);
    expect_listener(c.listeners[4], Protocol::imap, "127.0.0.1", 1993, TlsMode::implicit);
    expect_listener(c.listeners[5], Protocol::pop3, "127.0.0.1", 1110, TlsMode::starttls);
    expect_listener(c.listeners[6], Protocol::pop3, "127.0.0.1", 1995, TlsMode::implicit);
}

TEST(ConfigLoad, ReadsAFileAndReportsAMissingOne) {
    tern::testing::TempDir dir;
    std::string path = dir.file("tern.toml");
    std::ofstream(path) << "[smtp]\nmax_recipients = 42\n";
    auto c = load_config(path);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->smtp.max_recipients, 42u);
    EXPECT_EQ(c->config_file, path);
    EXPECT_EQ(parse_config("", "x.toml")->config_file, "");
    EXPECT_EQ(dev_config().config_file, "");

    std::ofstream(path) << "[smtp]\nmax_recipient = 42\n";
    auto bad = load_config(path);
    ASSERT_FALSE(bad.ok());
    EXPECT_THAT(bad.error().message, HasSubstr(path + ": unknown key 'smtp.max_recipient'"));

    auto missing = load_config(dir.file("nope.toml"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
    EXPECT_THAT(missing.error().message, HasSubstr("nope.toml does not exist"));
}

TEST(ConfigNames, ToStringCoversEveryValue) {
    EXPECT_EQ(to_string(Protocol::smtp), "smtp");
    EXPECT_EQ(to_string(Protocol::submission), "submission");
    EXPECT_EQ(to_string(Protocol::imap), "imap");
    EXPECT_EQ(to_string(Protocol::pop3), "pop3");
    EXPECT_EQ(to_string(TlsMode::none), "none");
    EXPECT_EQ(to_string(TlsMode::starttls), "starttls");
    EXPECT_EQ(to_string(TlsMode::implicit), "implicit");
    EXPECT_EQ(to_string(TlsPolicy::standard), "standard");
    EXPECT_EQ(to_string(TlsPolicy::none), "none");
    EXPECT_EQ(to_string(TlsPolicy::may), "may");
    EXPECT_EQ(to_string(TlsPolicy::encrypt), "encrypt");
    EXPECT_EQ(to_string(TlsPolicy::verify), "verify");
}

TEST(ConfigTransport, TablesParseWithTheirDefaults) {
    auto c = parse_config(R"(
[[transport]]
domain = "Partner.Example"
relay = "[10.0.0.5]:2525"
tls = "verify"
user = "tern"
password_file = "/etc/tern/relay.password"

[[transport]]
domain = ".corp.example"

[[transport]]
domain = "*"
relay = "relay.example.net"
tls = "encrypt"
)",
                          "t.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_EQ(c->transports.size(), 3u);
    EXPECT_EQ(c->transports[0].domain, "partner.example");
    EXPECT_EQ(c->transports[0].relay, "[10.0.0.5]:2525");
    EXPECT_EQ(c->transports[0].tls, TlsPolicy::verify);
    EXPECT_EQ(c->transports[0].user, "tern");
    EXPECT_EQ(c->transports[1].domain, ".corp.example");
    EXPECT_EQ(c->transports[1].relay, "");
    EXPECT_EQ(c->transports[1].tls, TlsPolicy::standard);
    EXPECT_EQ(c->transports[2].tls, TlsPolicy::encrypt);
    EXPECT_TRUE(c->queue.dane);
    EXPECT_TRUE(c->queue.mta_sts);
    EXPECT_EQ(c->queue.mta_sts_port, 443u);
}

TEST(ConfigTransport, BadTablesSayWhatIsWrong) {
    auto e = parse_error("[[transport]]\ndomain = \"a..b\"\n");
    EXPECT_THAT(e, HasSubstr("domain in the [[transport]] at line 1"));
    e = parse_error("[[transport]]\ndomain = \"a.b\"\ntls = \"secure\"\n");
    EXPECT_THAT(e, HasSubstr("tls in the [[transport]]"));
    e = parse_error("[[transport]]\ndomain = \"a.b\"\nrelay = \"[x]:99999\"\n");
    EXPECT_THAT(e, HasSubstr("relay in the [[transport]]"));
    e = parse_error(
        "[[transport]]\ndomain = \"a.b\"\nrelay = \"x\"\nuser = \"u\"\n"
        "password_file = \"/p\"\n");
    EXPECT_THAT(e, HasSubstr("needs tls = \"verify\""));
    e = parse_error("[[transport]]\ndomain = \"a.b\"\n[[transport]]\ndomain = \"a.b\"\n");
    EXPECT_THAT(e, HasSubstr("two [[transport]] tables for domain \"a.b\""));
    e = parse_error("[[transport]]\ndomain = \"a.b\"\nport = \"25\"\n");
    EXPECT_THAT(e, HasSubstr("unknown key 'transport.port'"));
    e = parse_error("transport = 3\n");
    EXPECT_THAT(e, HasSubstr("must be an array of tables ([[transport]])"));
}

TEST(ConfigTransport, RelayForms) {
    auto r = parse_relay("mx.example.net", 25);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "mx.example.net");
    EXPECT_EQ(r->port, 25);
    EXPECT_FALSE(r->bracketed);
    r = parse_relay("[mx.example.net]:2525", 25);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "mx.example.net");
    EXPECT_EQ(r->port, 2525);
    EXPECT_TRUE(r->bracketed);
    r = parse_relay("[2001:db8::1]:26", 25);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "2001:db8::1");
    EXPECT_EQ(r->port, 26);
    EXPECT_FALSE(parse_relay("", 25));
    EXPECT_FALSE(parse_relay("2001:db8::1", 25));
    EXPECT_FALSE(parse_relay("host:0", 25));
    EXPECT_FALSE(parse_relay("host:", 25));
    EXPECT_FALSE(parse_relay("[host", 25));
    EXPECT_FALSE(parse_relay("host:12x", 25));
}

TEST(ConfigDocs, KnownKeysAreUniqueAndQualified) {
    auto keys = known_keys();
    std::set<std::string> unique(keys.begin(), keys.end());
    EXPECT_EQ(unique.size(), keys.size());
    EXPECT_TRUE(unique.count("smtp.max_recipients"));
    EXPECT_TRUE(unique.count("listen.tls"));
    for (const auto& k : keys)
        EXPECT_NE(k.find('.'), std::string::npos) << k;
}

// docs/tern.example.toml must parse and contain every key the parser accepts.
TEST(ConfigDocs, ExampleFileParsesAndHasEveryKey) {
    std::string path = source_file("docs/tern.example.toml");
    auto c = load_config(path);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->listeners.size(), 8u);

    std::set<std::string> present;
    toml::table root = toml::parse(read_file(path));
    for (auto&& [section, node] : root) {
        if (const auto* table = node.as_table()) {
            for (auto&& [key, value] : *table) {
                present.insert(std::string(section.str()) + "." + std::string(key.str()));
            }
        } else if (const auto* array = node.as_array()) {
            for (const auto& element : *array) {
                for (auto&& [key, value] : *element.as_table()) {
                    present.insert(std::string(section.str()) + "." + std::string(key.str()));
                }
            }
        }
    }
    for (const auto& k : known_keys())
        EXPECT_TRUE(present.count(k)) << k << " missing in " << path;
}

// docs/configuration.md documents every accepted key, and only those: each
// "## [section]" heading is followed by a table whose rows start with `key`.
TEST(ConfigDocs, ReferenceDocumentsEveryKeyAndNoOthers) {
    std::string path = source_file("docs/configuration.md");
    std::istringstream doc(read_file(path));
    std::set<std::string> documented;
    std::string section;
    std::string line;
    while (std::getline(doc, line)) {
        if (line.rfind("## ", 0) == 0) {
            section.clear();
            auto open = line.find_first_not_of("[", 3);
            auto close = line.find(']', open);
            if (line.size() > 3 && line[3] == '[' && close != std::string::npos) {
                section = line.substr(open, close - open);
            }
        } else if (!section.empty() && line.rfind("| `", 0) == 0) {
            auto end = line.find('`', 3);
            ASSERT_NE(end, std::string::npos) << line;
            documented.insert(section + "." + line.substr(3, end - 3));
        }
    }
    auto keys = known_keys();
    std::set<std::string> accepted(keys.begin(), keys.end());
    for (const auto& k : accepted)
        EXPECT_TRUE(documented.count(k)) << k << " not in " << path;
    for (const auto& k : documented)
        EXPECT_TRUE(accepted.count(k)) << k << " documented, not accepted";
}

}  // namespace
}  // namespace tern::config

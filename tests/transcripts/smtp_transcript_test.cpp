// Runs every tests/transcripts/smtp/*.txt script against the real SMTP
// session (smtp::run_session) in-process, each as its own test case named
// after the file. A World (world.hpp) provides the real store, authenticator
// and configuration; a ScriptStream feeds the client's lines.
//
// Connection directives (besides those of world.hpp):
//   @listener smtp|submission|submissions   port 25 (default), 587, or 465
//                                           (submissions: implicit TLS)
//   @implicit-tls       TLS is on before the greeting (no STARTTLS offered)
//   @tls / @no-tls      the connection can / cannot start TLS (default: can)
//   @end eof|timeout|shutdown|error   what reads report once input runs out
//   @remote-ip 192.0.2.10             the client's address (the default)
//   @chunk N            at most N octets per read (1: byte by byte)
//   @dns TXT name text...   DNS data for SPF, DKIM and DMARC (an in-memory
//   @dns A name address     resolver shared by the script's connections;
//   @dns PTR name target    names are case-insensitive; PTR for iprev).
//   @dns timeout name       The DMARC Public
//                           Suffix List has the one rule "test".
//   @expect-closed      the server ends the session itself (QUIT, 421...)
//                       before reading to the end of the input; without
//                       it, the session must read all input and still be
//                       waiting for the next command when it runs out.
// Limitation: the server sees all input at once except at @wait points, so
// a script cannot show what a server does while a client waits without
// having said so (e.g. early-talker detection, which needs real time; see
// tests/integration/test_smtp.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "base/log.hpp"
#include "smtp/server/smtp_server.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"
#include "tests/transcripts/script_stream.hpp"
#include "tests/transcripts/world.hpp"

namespace tern::testing {
namespace {

std::string transcript_dir() {
    const char* root = std::getenv("TERN_SOURCE_DIR");
    return std::string(root ? root : TERN_DEFAULT_SOURCE_DIR) + "/tests/transcripts/smtp";
}

std::vector<std::string> transcript_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(transcript_dir(), ec))
        if (e.path().extension() == ".txt") files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    return files;
}

struct ConnectionSetup {
    std::string listener = "smtp";
    bool implicit_tls = false;
    bool tls_available = true;
    net::IoStatus end = net::IoStatus::eof;
    std::string remote_ip = "192.0.2.10";
    std::size_t chunk = 1 << 20;
    bool expect_closed = false;
};

Status apply_connection_directive(const Directive& d, ConnectionSetup& s) {
    auto arg = [&]() -> std::string { return d.args.empty() ? "" : d.args[0]; };
    auto bad = [&](std::string_view what) {
        return fail(Errc::invalid,
                    "line " + std::to_string(d.line) + ": @" + d.name + ": " + std::string(what));
    };
    if (d.name == "listener") {
        if (arg() != "smtp" && arg() != "submission" && arg() != "submissions")
            return bad("expected smtp, submission or submissions");
        s.listener = arg();
        if (arg() == "submissions") s.implicit_tls = true;
    } else if (d.name == "implicit-tls") {
        s.implicit_tls = true;
    } else if (d.name == "tls") {
        s.tls_available = true;
    } else if (d.name == "no-tls") {
        s.tls_available = false;
    } else if (d.name == "end") {
        static const std::pair<const char*, net::IoStatus> ends[] = {
            {"eof", net::IoStatus::eof},
            {"timeout", net::IoStatus::timeout},
            {"shutdown", net::IoStatus::shutdown},
            {"error", net::IoStatus::error}};
        auto it = std::find_if(std::begin(ends), std::end(ends),
                               [&](const auto& e) { return arg() == e.first; });
        if (it == std::end(ends)) return bad("expected eof, timeout, shutdown or error");
        s.end = it->second;
    } else if (d.name == "remote-ip") {
        s.remote_ip = arg();
    } else if (d.name == "chunk") {
        if (arg().empty() || arg().find_first_not_of("0123456789") != std::string::npos)
            return bad("expected a number");
        s.chunk = std::stoul(arg());
    } else if (d.name == "dns") {
        // Handled by apply_dns(); nothing to set up per connection.
    } else if (d.name == "expect-closed") {
        s.expect_closed = true;
    } else {
        return bad("unknown directive");
    }
    return {};
}

// @dns TYPE name data: records for the in-memory resolver.
Status apply_dns(const Directive& d, MemoryResolver& dns) {
    auto bad = [&](std::string_view what) {
        return fail(Errc::invalid,
                    "line " + std::to_string(d.line) + ": @dns: " + std::string(what));
    };
    if (d.args.size() < 2) return bad("expected TYPE name [data]");
    const std::string& type = d.args[0];
    const std::string& name = d.args[1];
    if (type == "timeout") {
        dns.add_timeout(name);
        return {};
    }
    if (d.args.size() < 3) return bad("expected TYPE name data");
    if (type == "TXT") {
        auto text = directive_tail(d, 2);
        if (!text) return bad(text.error().message);
        dns.add_txt(name, *text);
    } else if (type == "A") {
        if (!dns::IpAddress::parse(d.args[2])) return bad("not an IP address");
        dns.add_a(name, d.args[2]);
    } else if (type == "PTR") {
        dns.add_ptr(name, d.args[2]);
    } else {
        return bad("expected TXT, A, PTR or timeout");
    }
    return {};
}

// Runs one connection of the script; returns the first problem found.
std::optional<std::string> run_connection(World& world, MemoryResolver& dns, const Transcript& t,
                                          const ScriptConnection& sc, int index) {
    ConnectionSetup setup;
    for (const Directive& d : sc.directives) {
        Status st = World::is_setup(d)   ? world.apply(d)
                    : World::is_check(d) ? Status()
                    : d.name == "dns"    ? apply_dns(d, dns)
                                         : apply_connection_directive(d, setup);
        if (!st) return t.name + ": " + st.error().message;
    }
    auto cfg = world.config();
    if (!cfg) return t.name + ": " + cfg.error().message;

    MemoryStream memory(sc.input, setup.chunk);
    memory.set_tls_available(setup.tls_available || setup.implicit_tls);
    memory.set_end_status(setup.end);
    ScriptStream stream(memory, sc.waits);
    if (setup.implicit_tls && !run_task(stream.start_tls())) return t.name + ": TLS did not start";
    bool submission = setup.listener != "smtp";
    uint16_t port = setup.listener == "smtp" ? 25 : setup.listener == "submission" ? 587 : 465;
    net::Connection conn{
        stream, "T" + std::to_string(index), setup.listener, setup.remote_ip, 40000, "127.0.0.1",
        port,   setup.implicit_tls};
    config::ConfigHolder holder(*cfg);
    smtp::SendRateLimiter send_rate;
    queue::Wakeup wakeup;
    static const auto psl = mailauth::dmarc::PublicSuffixList::parse("test\n");
    smtp::SessionDeps deps{holder,    world.store(), world.auth(), world.blocking(),
                           send_rate, wakeup,        dns,          psl};
    smtp::ListenerOptions options;
    options.submission = submission;
    options.starttls_offered = !setup.implicit_tls;
    run_task(smtp::run_session(conn, deps, options));

    std::string where = t.name + ":" + std::to_string(sc.first_line) + ": ";
    if (auto mismatch = match_replies(t, sc, memory.output()))
        return *mismatch + "\n---- server output ----\n" + memory.output();
    if (setup.expect_closed && stream.saw_end())
        return where + "@expect-closed, but the session read to the end of the input";
    if (!setup.expect_closed && !stream.saw_end())
        return where + "the session ended by itself after " + std::to_string(stream.consumed()) +
               " of " + std::to_string(sc.input.size()) +
               " input octets (add @expect-closed if that is right)";
    for (const Directive& d : sc.directives)
        if (World::is_check(d))
            if (Status st = world.check(d); !st) return t.name + ": " + st.error().message;
    return std::nullopt;
}

class SmtpTranscript : public ::testing::TestWithParam<std::string> {};

TEST_P(SmtpTranscript, Replays) {
    auto script = load_transcript(transcript_dir() + "/" + GetParam());
    ASSERT_TRUE(script) << script.error().message;
    World world;
    Status opened = world.open();
    ASSERT_TRUE(opened) << opened.error().message;
    MemoryResolver dns;
    for (std::size_t i = 0; i < script->connections.size(); ++i) {
        auto problem =
            run_connection(world, dns, *script, script->connections[i], static_cast<int>(i));
        ASSERT_FALSE(problem) << *problem;
    }
}

INSTANTIATE_TEST_SUITE_P(Smtp, SmtpTranscript, ::testing::ValuesIn(transcript_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param.substr(0, info.param.rfind('.'));
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

// The directory must not silently go empty (then no case above would run).
TEST(SmtpTranscripts, DirectoryHoldsTheScenarios) {
    EXPECT_GE(transcript_files().size(), 40u) << "in " << transcript_dir();
}

}  // namespace
}  // namespace tern::testing

// The SMTP client over a real loopback connection: connect_tcp(), STARTTLS
// with a self-signed certificate, verification, and a delivery under TLS.
// The peer is a tiny scripted SMTP server run by net::Server.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "net/connect.hpp"
#include "net/line_reader.hpp"
#include "net/server.hpp"
#include "net/tls.hpp"
#include "smtp/client/client.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace tern::smtp::client {
namespace {

using namespace std::chrono_literals;
using testing::run_task;

// What the scripted peer saw.
struct Peer {
    bool inject_after_starttls = false;  // send a fake reply right after "220 go ahead"
    std::mutex mu;
    std::vector<std::string> commands;  // with "(tls)" appended when under TLS
    std::string data;                   // the raw DATA lines up to the dot
};

net::Task<void> smtp_peer(net::Connection& c, Peer& peer) {
    net::LineReader reader(c.stream);
    co_await c.stream.write_all("220 localhost ESMTP test\r\n");
    for (;;) {
        net::Line line = co_await reader.read_line(1000);
        if (line.status != net::IoStatus::ok) co_return;
        std::string cmd(line.text());
        {
            std::lock_guard lock(peer.mu);
            peer.commands.push_back(cmd + (c.stream.tls_active() ? " (tls)" : ""));
        }
        std::string reply;
        if (cmd.starts_with("EHLO")) {
            reply = c.stream.tls_active() ? "250-localhost\r\n250 PIPELINING\r\n"
                                          : "250-localhost\r\n250 STARTTLS\r\n";
        } else if (cmd == "STARTTLS") {
            reply = "220 2.0.0 go ahead\r\n";
            if (peer.inject_after_starttls) reply += "250 injected\r\n";
            co_await c.stream.write_all(reply);
            reader.discard_buffered();
            bool ok = co_await c.stream.start_tls();
            if (!ok) co_return;
            continue;
        } else if (cmd.starts_with("MAIL") || cmd.starts_with("RCPT")) {
            reply = "250 2.1.0 ok\r\n";
        } else if (cmd == "DATA") {
            co_await c.stream.write_all("354 go ahead\r\n");
            for (;;) {
                net::Line d = co_await reader.read_line(1000);
                if (d.status != net::IoStatus::ok) co_return;
                if (d.text() == ".") break;
                std::lock_guard lock(peer.mu);
                peer.data += d.raw;
            }
            reply = "250 2.0.0 queued\r\n";
        } else if (cmd == "QUIT") {
            co_await c.stream.write_all("221 2.0.0 bye\r\n");
            co_return;
        } else {
            reply = "500 5.5.1 what?\r\n";
        }
        co_await c.stream.write_all(reply);
    }
}

struct PeerServer {
    PeerServer() : server(options()) {
        cert = dir.file("cert.pem");
        Status st = net::generate_self_signed("mx.example.test", cert, dir.file("key.pem"));
        EXPECT_TRUE(st.ok());
        auto ctx = net::TlsContext::from_files(cert, dir.file("key.pem"));
        EXPECT_TRUE(ctx.ok());
        server.set_tls(*ctx);
        net::ListenerSpec spec;
        spec.name = "smtp";
        spec.address = "127.0.0.1";
        spec.idle_timeout = 5s;
        spec.handler = [this](net::Connection& c) { return smtp_peer(c, peer); };
        auto idx = server.listen(spec);
        EXPECT_TRUE(idx.ok());
        port = server.bound_port(*idx);
        thread = std::thread([this] { server.run(); });
    }
    ~PeerServer() {
        server.request_stop();
        thread.join();
    }
    static net::ServerOptions options() {
        net::ServerOptions o;
        o.threads = 1;
        o.shutdown_grace = 2s;
        return o;
    }
    std::vector<std::string> commands() {
        std::lock_guard lock(peer.mu);
        return peer.commands;
    }
    testing::TempDir dir;
    std::string cert;
    Peer peer;
    net::Server server;
    uint16_t port = 0;
    std::thread thread;
};

struct Delivery {
    std::string connect_error;
    Reply greeting, hello;
    net::ClientTlsResult tls;
    bool pipelining_after_tls = false;
    SendResult sent;
};

net::Task<Delivery> deliver(uint16_t port, net::ClientTlsParams params) {
    Delivery out;
    auto connecting = net::connect_tcp("127.0.0.1", port, 5s);  // named: STACK-NOTES
    auto conn = co_await std::move(connecting);
    if (!conn) {
        out.connect_error = conn.error().message;
        co_return out;
    }
    net::Stream& stream = **conn;
    ClientOptions options;
    options.helo_name = "out.example.net";
    options.command_timeout = 5s;
    options.data_timeout = 5s;
    Client client(stream, options);
    out.greeting = co_await client.greeting();
    out.hello = co_await client.hello();
    out.tls = co_await client.starttls(params);
    if (!out.tls.ok) {
        stream.close();
        co_return out;
    }
    out.pipelining_after_tls = client.capabilities().pipelining;
    OutEnvelope env;
    env.sender = "alice@example.net";
    env.recipients.push_back({"bob@example.org", "", ""});
    out.sent = co_await client.send(env, ".dot line\r\nbody\r\n");
    co_await client.quit();
    co_return out;
}

TEST(SmtpClientLoopback, OpportunisticStartTlsThenDelivery) {
    PeerServer s;
    net::ClientTlsParams p;
    p.server_name = "mx.example.test";
    Delivery d = run_task(deliver(s.port, p));
    ASSERT_EQ(d.connect_error, "");
    EXPECT_EQ(d.greeting.code, 220);
    EXPECT_EQ(d.hello.code, 250);
    ASSERT_TRUE(d.tls.ok) << d.tls.error;
    EXPECT_FALSE(d.tls.verified);
    EXPECT_FALSE(d.tls.info.version.empty());
    EXPECT_GT(d.tls.info.bits, 0);
    EXPECT_EQ(d.tls.peer_chain_der.size(), 1u);
    EXPECT_TRUE(d.pipelining_after_tls);
    ASSERT_EQ(d.sent.per_recipient.size(), 1u);
    EXPECT_EQ(d.sent.per_recipient[0].text(), "250 2.0.0 queued");
    EXPECT_TRUE(d.sent.connection_usable);
    EXPECT_EQ(s.commands(), (std::vector<std::string>{
                                "EHLO out.example.net", "STARTTLS", "EHLO out.example.net (tls)",
                                "MAIL FROM:<alice@example.net> (tls)",
                                "RCPT TO:<bob@example.org> (tls)", "DATA (tls)", "QUIT (tls)"}));
    std::lock_guard lock(s.peer.mu);
    EXPECT_EQ(s.peer.data, "..dot line\r\nbody\r\n");  // dot-stuffed on the wire
}

TEST(SmtpClientLoopback, VerifiedWithTheCertificateAsCa) {
    PeerServer s;
    net::ClientTlsParams p;
    p.server_name = "localhost";
    p.verify = true;
    p.ca_file = s.cert;
    Delivery d = run_task(deliver(s.port, p));
    ASSERT_TRUE(d.tls.ok) << d.tls.error;
    EXPECT_TRUE(d.tls.verified);
    EXPECT_EQ(d.sent.per_recipient.at(0).code, 250);
}

TEST(SmtpClientLoopback, WrongNameFailsAndNothingIsSent) {
    PeerServer s;
    net::ClientTlsParams p;
    p.server_name = "wrong.example.org";
    p.verify = true;
    p.ca_file = s.cert;
    Delivery d = run_task(deliver(s.port, p));
    EXPECT_FALSE(d.tls.ok);
    EXPECT_NE(d.tls.error.find("certificate verification failed"), std::string::npos)
        << d.tls.error;
    EXPECT_EQ(s.commands(), (std::vector<std::string>{"EHLO out.example.net", "STARTTLS"}));
}

TEST(SmtpClientLoopback, PlaintextSentAfterStartTlsReplyIsIgnored) {
    // RFC 3207 5 (CVE-2011-0411): a reply injected in the clear right after
    // "220" must not be taken for the answer to the EHLO sent under TLS.
    PeerServer s;
    s.peer.inject_after_starttls = true;
    net::ClientTlsParams p;
    p.server_name = "mx.example.test";
    Delivery d = run_task(deliver(s.port, p));
    ASSERT_TRUE(d.tls.ok) << d.tls.error;
    EXPECT_TRUE(d.pipelining_after_tls);
    EXPECT_EQ(d.sent.per_recipient.at(0).text(), "250 2.0.0 queued");
}

}  // namespace
}  // namespace tern::smtp::client

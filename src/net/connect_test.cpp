// connect_tcp() and the client side of TLS on real loopback sockets.
#include "net/connect.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstdio>
#include <optional>
#include <thread>

#include "net/server.hpp"
#include "net/tls.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace tern::net {
namespace {

using namespace std::chrono_literals;
using testing::run_task;

// A listener that greets in TLS at once (implicit TLS) and closes.
struct TlsServer {
    explicit TlsServer(const std::string& hostname) : server(options()) {
        cert = dir.file("cert.pem");
        Status st = generate_self_signed(hostname, cert, dir.file("key.pem"));
        EXPECT_TRUE(st.ok());
        auto ctx = TlsContext::from_files(cert, dir.file("key.pem"));
        EXPECT_TRUE(ctx.ok());
        server.set_tls(*ctx);
        ListenerSpec spec;
        spec.name = "tls";
        spec.address = "127.0.0.1";
        spec.implicit_tls = true;
        spec.idle_timeout = 5s;
        spec.handler = [](Connection& c) -> Task<void> {
            co_await c.stream.write_all("hello over tls\r\n");
        };
        auto idx = server.listen(spec);
        EXPECT_TRUE(idx.ok());
        port = server.bound_port(*idx);
        thread = std::thread([this] { server.run(); });
    }
    ~TlsServer() {
        server.request_stop();
        thread.join();
    }
    static ServerOptions options() {
        ServerOptions o;
        o.threads = 1;
        o.shutdown_grace = 2s;
        return o;
    }
    testing::TempDir dir;
    std::string cert;
    Server server;
    uint16_t port = 0;
    std::thread thread;
};

struct Outcome {
    ClientTlsResult tls;
    std::string first_line;
    bool tls_active = false;
};

Task<Outcome> connect_and_handshake(uint16_t port, ClientTlsParams params) {
    Outcome out;
    // Awaitables are named first (STACK-NOTES: g++ 12 and temporaries in
    // co_await operands).
    auto connecting = connect_tcp("127.0.0.1", port, 5s);
    auto stream = co_await std::move(connecting);
    if (!stream) {
        out.tls.error = stream.error().message;
        co_return out;
    }
    out.tls = co_await (*stream)->start_tls_client(params);
    out.tls_active = (*stream)->tls_active();
    if (out.tls.ok) {
        char buf[64];
        std::size_t n = 0;
        IoStatus st = co_await (*stream)->read_some(buf, sizeof buf, n, false);
        if (st == IoStatus::ok) out.first_line.assign(buf, n);
    }
    (*stream)->close();
    co_return out;
}

// A port with nothing listening: bind one, then let it go.
uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Connects `tries` times (keeping each connection open until the end) and
// returns the error of the first failure, or none.
Task<std::optional<Error>> connect_n(std::string ip, uint16_t port, int tries,
                                     std::chrono::milliseconds timeout) {
    std::vector<std::unique_ptr<Stream>> open;
    for (int i = 0; i < tries; ++i) {
        auto connecting = connect_tcp(ip, port, timeout);
        auto r = co_await std::move(connecting);
        if (!r) co_return r.error();
        open.push_back(std::move(*r));
    }
    co_return std::nullopt;
}

TEST(ConnectTcp, ConnectsToAListener) {
    TlsServer s("mx.example.test");
    auto e = run_task(connect_n("127.0.0.1", s.port, 1, 2s));
    EXPECT_FALSE(e.has_value()) << e->message;
}

TEST(ConnectTcp, RefusedIsAnIoError) {
    auto e = run_task(connect_n("127.0.0.1", closed_port(), 1, 2s));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, Errc::io);
    EXPECT_NE(e->message.find("refused"), std::string::npos) << e->message;
}

TEST(ConnectTcp, NotAnAddressIsInvalid) {
    auto e = run_task(connect_n("mx.example.org", 25, 1, 2s));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, Errc::invalid);
}

TEST(ConnectTcp, NoAnswerTimesOut) {
    // A listener that never accepts, with its queue full: Linux drops
    // further SYNs, so a later connect hears nothing.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 0), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    auto started = std::chrono::steady_clock::now();
    auto e = run_task(connect_n("127.0.0.1", ntohs(a.sin_port), 8, 300ms));
    ::close(fd);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, Errc::timeout) << e->message;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(ClientTls, OpportunisticHandshakeIsNotVerified) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    Outcome o = run_task(connect_and_handshake(s.port, p));
    ASSERT_TRUE(o.tls.ok) << o.tls.error;
    EXPECT_TRUE(o.tls_active);
    EXPECT_FALSE(o.tls.verified);
    EXPECT_TRUE(o.tls.info.version == "TLSv1.3" || o.tls.info.version == "TLSv1.2");
    EXPECT_FALSE(o.tls.info.cipher.empty());
    ASSERT_EQ(o.tls.peer_chain_der.size(), 1u);
    EXPECT_EQ(static_cast<unsigned char>(o.tls.peer_chain_der[0][0]), 0x30);  // DER SEQUENCE
    EXPECT_EQ(o.first_line, "hello over tls\r\n");
}

TEST(ClientTls, VerifiedAgainstCaFileAndName) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "localhost";
    p.verify = true;
    p.ca_file = s.cert;
    Outcome o = run_task(connect_and_handshake(s.port, p));
    ASSERT_TRUE(o.tls.ok) << o.tls.error;
    EXPECT_TRUE(o.tls.verified);
    EXPECT_EQ(o.first_line, "hello over tls\r\n");
}

TEST(ClientTls, WrongNameFailsVerification) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "other.example.test";
    p.verify = true;
    p.ca_file = s.cert;
    Outcome o = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(o.tls.ok);
    EXPECT_FALSE(o.tls.verified);
    EXPECT_FALSE(o.tls_active);
    EXPECT_NE(o.tls.error.find("certificate verification failed"), std::string::npos)
        << o.tls.error;
    EXPECT_EQ(o.tls.peer_chain_der.size(), 1u);  // still there for DANE
}

TEST(ClientTls, UnknownCaFailsVerification) {
    TlsServer s("mx.example.test");
    TlsServer other("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.verify = true;
    p.ca_file = other.cert;  // a different self-signed certificate
    Outcome o = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(o.tls.ok);
    EXPECT_NE(o.tls.error.find("certificate verification failed"), std::string::npos)
        << o.tls.error;
}

TEST(ClientTls, MtaStsPatternsMatchOneLabel) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.verify = true;
    p.ca_file = s.cert;
    // RFC 8461 4.1: "*.example.test" matches mx.example.test...
    p.match_names = {"nomatch.example.org", "*.example.test"};
    Outcome good = run_task(connect_and_handshake(s.port, p));
    EXPECT_TRUE(good.tls.ok) << good.tls.error;
    EXPECT_TRUE(good.tls.verified);
    // ...but "*.test" does not: the wildcard covers exactly one label.
    p.match_names = {"*.test"};
    Outcome bad = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(bad.tls.ok);
}

TEST(ClientTls, MissingCaFileIsReported) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.verify = true;
    p.ca_file = s.dir.file("nope.pem");
    Outcome o = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(o.tls.ok);
    EXPECT_NE(o.tls.error.find("does not exist"), std::string::npos) << o.tls.error;
}

// SHA2-256 of the certificate's SubjectPublicKeyInfo: the data of a
// "3 1 1" TLSA record (RFC 6698 2.1).
std::string spki_sha256(const std::string& cert_file) {
    FILE* f = std::fopen(cert_file.c_str(), "r");
    if (f == nullptr) return "";
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (cert == nullptr) return "";
    unsigned char* der = nullptr;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(der, static_cast<std::size_t>(len), reinterpret_cast<unsigned char*>(out.data()));
    OPENSSL_free(der);
    X509_free(cert);
    return out;
}

TEST(ClientTls, DaneEeMatchIgnoresNamesAndCaStore) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    // RFC 7672 3.1.1: with DANE-EE the name and the issuer do not matter.
    p.server_name = "elsewhere.example.org";
    p.verify = true;
    p.dane = {{3, 1, 1, spki_sha256(s.cert)}};
    ASSERT_EQ(p.dane[0].data.size(), 32u);
    Outcome o = run_task(connect_and_handshake(s.port, p));
    ASSERT_TRUE(o.tls.ok) << o.tls.error;
    EXPECT_TRUE(o.tls.verified);
    EXPECT_EQ(o.tls.dane_match, "DANE-EE");
    EXPECT_EQ(o.first_line, "hello over tls\r\n");
}

TEST(ClientTls, DaneMismatchRefusesTheHandshake) {
    TlsServer s("mx.example.test");
    TlsServer other("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.verify = true;
    p.ca_file = s.cert;  // trusted by PKIX, but DANE decides
    p.dane = {{3, 1, 1, spki_sha256(other.cert)}};
    Outcome o = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(o.tls.ok);
    EXPECT_FALSE(o.tls_active);
    EXPECT_NE(o.tls.error.find("no TLSA record matches"), std::string::npos) << o.tls.error;
}

TEST(ClientTls, OnlyUnusableTlsaRecordsAreRefused) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.verify = true;
    // Matching type 1 needs 32 bytes; matching type 9 does not exist.
    p.dane = {{3, 1, 1, "short"}, {3, 1, 9, spki_sha256(s.cert)}};
    Outcome o = run_task(connect_and_handshake(s.port, p));
    EXPECT_FALSE(o.tls.ok);
    EXPECT_NE(o.tls.error.find("usable"), std::string::npos) << o.tls.error;
}

TEST(ClientTls, OpportunisticHandshakeReportsVerificationWhenItHolds) {
    TlsServer s("mx.example.test");
    ClientTlsParams p;
    p.server_name = "mx.example.test";
    p.ca_file = s.cert;
    Outcome good = run_task(connect_and_handshake(s.port, p));
    ASSERT_TRUE(good.tls.ok) << good.tls.error;
    EXPECT_TRUE(good.tls.verified);
    p.server_name = "other.example.test";  // wrong name: still encrypted, not verified
    Outcome bad = run_task(connect_and_handshake(s.port, p));
    ASSERT_TRUE(bad.tls.ok) << bad.tls.error;
    EXPECT_FALSE(bad.tls.verified);
}

}  // namespace
}  // namespace tern::net

// fetch_policy() against a real HTTPS server on loopback (RFC 8461 3.3).
#include "mtasts/fetch.hpp"

#include <gtest/gtest.h>

#include "mtasts/policy_server.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"

namespace tern::mtasts {
namespace {

using namespace std::chrono_literals;
using tern::testing::run_task;
using test::http_response;
using test::PolicyServer;

constexpr const char* kPolicy =
    "version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\nmax_age: 86400\r\n";

FetchOptions options_for(const PolicyServer& s, std::chrono::milliseconds timeout = 5s) {
    FetchOptions o;
    o.ip = "127.0.0.1";
    o.port = s.port();
    o.ca_file = s.cert_file();
    o.timeout = timeout;
    return o;
}

// co_spawn wants a default-constructible result: Result<T> is not.
struct Fetched {
    Result<std::string> result = fail(Errc::internal, "not run");
};

net::Task<Fetched> wrap(net::Task<Result<std::string>> task) {
    Fetched f;
    f.result = co_await std::move(task);
    co_return f;
}

Result<std::string> fetch(const std::string& domain, const FetchOptions& o) {
    return run_task(wrap(fetch_policy(domain, o))).result;
}

Result<std::string> fetch_resolved(dns::Resolver& dns, const std::string& domain,
                                   const FetchOptions& o) {
    return run_task(wrap(fetch_policy_resolved(dns, domain, o))).result;
}

TEST(FetchPolicy, TextPlainWithContentLength) {
    PolicyServer s;
    s.serve_policy(kPolicy);
    auto r = fetch("example.test", options_for(s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, kPolicy);
    EXPECT_EQ(s.hits(), 1);
    std::string req = s.last_request();
    EXPECT_EQ(req.rfind("GET /.well-known/mta-sts.txt HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_NE(req.find("\r\nHost: mta-sts.example.test:" + std::to_string(s.port()) + "\r\n"),
              std::string::npos)
        << req;
    EXPECT_NE(req.find("\r\nConnection: close\r\n"), std::string::npos) << req;
}

TEST(FetchPolicy, ChunkedBodyInPieces) {
    PolicyServer s;
    s.respond({"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n",
               "Transfer-Encoding: chunked\r\n\r\n10\r\nversion: STSv1\r\n\r\n", "3\r\nmod\r\n",
               "c\r\ne: testing\r\n\r\n", "0\r\n\r\n"});
    auto r = fetch("Example.Test.", options_for(s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "version: STSv1\r\nmode: testing\r\n");
}

TEST(FetchPolicy, CloseDelimitedBody) {
    PolicyServer s;
    s.respond({"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", kPolicy});
    auto r = fetch("example.test", options_for(s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, kPolicy);
}

TEST(FetchPolicy, NotFoundIsAnError) {
    PolicyServer s;
    s.respond({http_response("404 Not Found", "text/plain", "nothing here")});
    auto r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::not_found);
    EXPECT_NE(r.error().message.find("HTTP 404 from mta-sts.example.test"), std::string::npos)
        << r.error().message;
}

TEST(FetchPolicy, RedirectsAreNotFollowed) {
    PolicyServer s;
    s.respond(
        {"HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.example/\r\n"
         "Content-Length: 0\r\n\r\n"});
    auto r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find("HTTP 301"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("redirects are not followed (RFC 8461 3.3)"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(s.hits(), 1);  // one request, no second one to the Location
}

TEST(FetchPolicy, MediaTypeMustBeTextPlain) {
    PolicyServer s;
    s.respond({http_response("200 OK", "text/html", kPolicy)});
    auto r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find("text/html"), std::string::npos) << r.error().message;

    s.respond({http_response("200 OK", "", kPolicy)});
    r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("no Content-Type"), std::string::npos) << r.error().message;

    s.respond({http_response("200 OK", "TEXT/Plain ; charset=us-ascii", kPolicy)});
    r = fetch("example.test", options_for(s));
    EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(FetchPolicy, BodyOver64KiBIsRefused) {
    PolicyServer s;
    std::string big(kMaxPolicyBytes + 1, 'a');
    s.respond({http_response("200 OK", "text/plain", big)});
    auto r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);
    EXPECT_NE(r.error().message.find("mta-sts.example.test"), std::string::npos);

    // The same without a Content-Length to check up front.
    s.respond({"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", big});
    r = fetch("example.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);

    // Exactly the limit is fine.
    s.respond({http_response("200 OK", "text/plain", std::string(kMaxPolicyBytes, 'a'))});
    r = fetch("example.test", options_for(s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->size(), kMaxPolicyBytes);
}

TEST(FetchPolicy, CertificateForAnotherNameIsRefused) {
    PolicyServer s;  // certificate for mta-sts.example.test
    s.serve_policy(kPolicy);
    auto r = fetch("other.test", options_for(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::denied);
    EXPECT_NE(r.error().message.find("certificate for mta-sts.other.test does not verify"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(s.hits(), 0);  // nothing was sent over the unverified connection
}

TEST(FetchPolicy, UntrustedCertificateIsRefused) {
    PolicyServer s;
    PolicyServer stranger;
    s.serve_policy(kPolicy);
    FetchOptions o = options_for(s);
    o.ca_file = stranger.cert_file();
    auto r = fetch("example.test", o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::denied) << r.error().message;
}

TEST(FetchPolicy, SilentServerTimesOut) {
    PolicyServer s;
    s.go_silent();
    auto started = std::chrono::steady_clock::now();
    auto r = fetch("example.test", options_for(s, 600ms));
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::timeout) << r.error().message;
    EXPECT_NE(r.error().message.find("mta-sts.example.test"), std::string::npos);
    EXPECT_GE(took, 500ms);
    EXPECT_LT(took, 3s);
}

TEST(FetchPolicy, TricklingServerIsBoundedByTheWholeTimeout) {
    PolicyServer s;
    // A byte every 100 ms: no single read waits long, but the fetch as a
    // whole must still stop at its deadline.
    std::vector<std::string> pieces{
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"};
    for (int i = 0; i < 100; ++i)
        pieces.emplace_back("x");
    s.respond(pieces, 100ms);
    auto started = std::chrono::steady_clock::now();
    auto r = fetch("example.test", options_for(s, 700ms));
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::timeout) << r.error().message;
    EXPECT_GE(took, 600ms);
    EXPECT_LT(took, 2s);
}

TEST(FetchPolicy, ConnectionRefused) {
    uint16_t port = 0;
    {
        PolicyServer gone;
        port = gone.port();
    }
    FetchOptions o;
    o.ip = "127.0.0.1";
    o.port = port;
    o.timeout = 2s;
    auto r = fetch("example.test", o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::io) << r.error().message;
    EXPECT_NE(r.error().message.find("mta-sts.example.test"), std::string::npos);
}

TEST(FetchPolicyResolved, ResolvesAndTriesEachAddress) {
    PolicyServer s;
    s.serve_policy(kPolicy);
    tern::testing::MemoryResolver dns;
    // 127.0.0.2 listens on nothing at that port: refused, then the next.
    dns.add_a("mta-sts.example.test", "127.0.0.2");
    dns.add_a("mta-sts.example.test", "127.0.0.1");
    FetchOptions o = options_for(s);
    o.ip.clear();
    auto r = fetch_resolved(dns, "example.test", o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, kPolicy);
    ASSERT_EQ(dns.queries().size(), 2u);
    EXPECT_EQ(dns.queries()[0].type, dns::RecordType::a);
    EXPECT_EQ(dns.queries()[1].type, dns::RecordType::aaaa);
}

TEST(FetchPolicyResolved, NoAddressIsNotFound) {
    tern::testing::MemoryResolver dns;
    auto r = fetch_resolved(dns, "example.test", FetchOptions{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::not_found);
    EXPECT_NE(r.error().message.find("mta-sts.example.test has no address"), std::string::npos)
        << r.error().message;
}

}  // namespace
}  // namespace tern::mtasts

// CaresResolver against a real unbound on 127.0.0.1 serving a test zone
// (issue 6 item 1). Every test starts from real packets on the wire.
#include "dns/cares_resolver.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>

#include "dns/async_lookup.hpp"
#include "dns/unbound_server.hpp"
#include "testing/temp_dir.hpp"

namespace tern::dns {
namespace {

using std::chrono::milliseconds;
using testing::UnboundServer;

std::vector<std::string> zone() {
    std::vector<std::string> lines = {
        R"(local-zone: "example.test." static)",
        // RFC 2308 5: negative answers live min(3600, 60) = 60 s.
        R"(local-data: "example.test. 3600 IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 60")",
        R"(local-data: "example.test. 300 IN MX 20 mx2.example.test.")",
        R"(local-data: "example.test. 300 IN MX 10 mx1.example.test.")",
        R"(local-data: "example.test. 300 IN MX 20 mx3.example.test.")",
        R"(local-data: 'example.test. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.test -all"')",
        R"(local-data: 'example.test. 300 IN TXT "second record"')",
        R"(local-data: "mx1.example.test. 300 IN A 192.0.2.1")",
        R"(local-data: "mx1.example.test. 300 IN A 192.0.2.11")",
        R"(local-data: "mx1.example.test. 300 IN AAAA 2001:db8::1")",
        R"(local-data: "www.example.test. 300 IN CNAME alias.example.test.")",
        R"(local-data: "alias.example.test. 120 IN CNAME mx1.example.test.")",
        R"(local-data: "loop1.example.test. 300 IN CNAME loop2.example.test.")",
        R"(local-data: "loop2.example.test. 300 IN CNAME loop1.example.test.")",
        R"(local-data: "null.example.test. 300 IN MX 0 .")",
        R"(local-data: "short.example.test. 1 IN A 192.0.2.99")",
        R"(local-data: "_25._tcp.mx1.example.test. 300 IN TLSA 3 1 1 00112233445566778899aabbccddeeff")",
        R"(local-data-ptr: "192.0.2.1 mx1.example.test.")",
    };
    for (int i = 0; i < 100; ++i) {
        lines.push_back("local-data: \"host" + std::to_string(i) +
                        ".example.test. 300 IN A 10.0.0." + std::to_string(i) + "\"");
    }
    return lines;
}

CaresOptions options_for(const std::string& server) {
    CaresOptions options;
    options.nameservers = server;
    options.timeout = milliseconds(300);
    options.tries = 2;
    return options;
}

IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

// One unbound for the whole suite; tests that stop a server start their own.
class CaresResolverTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new tern::testing::TempDir();
        auto server = UnboundServer::start(dir_->path(), zone());
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = server->release();
    }
    static void TearDownTestSuite() {
        delete server_;
        delete dir_;
        server_ = nullptr;
        dir_ = nullptr;
    }

    void SetUp() override {
        ASSERT_NE(server_, nullptr);
        auto resolver = BlockingCaresResolver::create(options_for(server_->address()));
        ASSERT_TRUE(resolver.ok()) << resolver.error().message;
        sync_ = std::move(*resolver);
    }

    Answer query(std::string name, RecordType type) {
        return sync_->query({std::move(name), type});
    }

    static tern::testing::TempDir* dir_;
    static UnboundServer* server_;
    std::unique_ptr<BlockingCaresResolver> sync_;
};

tern::testing::TempDir* CaresResolverTest::dir_ = nullptr;
UnboundServer* CaresResolverTest::server_ = nullptr;

TEST_F(CaresResolverTest, AReturnsEveryAddressWithTtl) {
    Answer a = query("mx1.example.test", RecordType::a);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    std::vector<IpAddress> want = {ip("192.0.2.1"), ip("192.0.2.11")};
    EXPECT_TRUE(
        std::is_permutation(a.addresses.begin(), a.addresses.end(), want.begin(), want.end()));
    EXPECT_EQ(a.addresses.size(), 2u);
    EXPECT_GT(a.ttl, 0u);
    EXPECT_LE(a.ttl, 300u);
    EXPECT_EQ(a.canonical_name, "mx1.example.test");
    EXPECT_FALSE(a.authenticated);  // unbound does not validate local data
}

TEST_F(CaresResolverTest, AaaaAndCaseInsensitiveNameWithTrailingDot) {
    Answer a = query("MX1.Example.TEST.", RecordType::aaaa);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    ASSERT_EQ(a.addresses.size(), 1u);
    EXPECT_EQ(a.addresses[0], ip("2001:db8::1"));
    EXPECT_TRUE(a.addresses[0].is_v6());
}

TEST_F(CaresResolverTest, MxCarriesPreferencesForOrdering) {
    Answer a = query("example.test", RecordType::mx);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    std::vector<MxRecord> got = a.mx;
    std::sort(got.begin(), got.end(), [](const MxRecord& x, const MxRecord& y) {
        return std::tie(x.preference, x.host) < std::tie(y.preference, y.host);
    });
    std::vector<MxRecord> want = {
        {10, "mx1.example.test"}, {20, "mx2.example.test"}, {20, "mx3.example.test"}};
    EXPECT_EQ(got, want);
}

TEST_F(CaresResolverTest, NullMxHasEmptyHost) {
    Answer a = query("null.example.test", RecordType::mx);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    ASSERT_EQ(a.mx.size(), 1u);
    EXPECT_EQ(a.mx[0], (MxRecord{0, ""}));
}

TEST_F(CaresResolverTest, TxtStringsOfOneRecordAreConcatenated) {
    Answer a = query("example.test", RecordType::txt);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    std::vector<std::string> got = a.txt;
    std::sort(got.begin(), got.end());
    std::vector<std::string> want = {"second record",
                                     "v=spf1 ip4:192.0.2.0/24 include:_spf.example.test -all"};
    EXPECT_EQ(got, want);
}

TEST_F(CaresResolverTest, PtrOfReverseName) {
    Answer a = query(ip("192.0.2.1").reverse_name(), RecordType::ptr);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    EXPECT_EQ(a.names, std::vector<std::string>{"mx1.example.test"});
}

TEST_F(CaresResolverTest, TlsaRdataParsed) {
    Answer a = query("_25._tcp.mx1.example.test", RecordType::tlsa);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    ASSERT_EQ(a.tlsa.size(), 1u);
    EXPECT_EQ(a.tlsa[0].usage, 3);
    EXPECT_EQ(a.tlsa[0].selector, 1);
    EXPECT_EQ(a.tlsa[0].matching_type, 1);
    EXPECT_EQ(a.tlsa[0].data, std::string("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc"
                                          "\xdd\xee\xff",
                                          16));
}

TEST_F(CaresResolverTest, CnameChainIsFollowed) {
    // unbound answers local CNAMEs without following them, so this also
    // exercises the resolver restarting the query at each target.
    Answer a = query("www.example.test", RecordType::a);
    ASSERT_EQ(a.rcode, Rcode::noerror);
    EXPECT_EQ(a.canonical_name, "mx1.example.test");
    EXPECT_EQ(a.addresses.size(), 2u);
    EXPECT_LE(a.ttl, 120u);  // the smallest TTL along the chain
    EXPECT_GT(a.ttl, 0u);

    Answer c = query("www.example.test", RecordType::cname);
    ASSERT_EQ(c.rcode, Rcode::noerror);
    EXPECT_EQ(c.names, std::vector<std::string>{"alias.example.test"});
}

TEST_F(CaresResolverTest, CnameLoopIsServfail) {
    Answer a = query("loop1.example.test", RecordType::a);
    EXPECT_EQ(a.rcode, Rcode::servfail);
    EXPECT_TRUE(a.empty());
}

TEST_F(CaresResolverTest, NxdomainDiffersFromNodata) {
    Answer nx = query("nope.example.test", RecordType::a);
    EXPECT_EQ(nx.rcode, Rcode::nxdomain);
    EXPECT_TRUE(nx.empty());
    EXPECT_EQ(nx.ttl, 60u);  // RFC 2308 5: from the SOA

    Answer nodata = query("mx1.example.test", RecordType::mx);
    EXPECT_EQ(nodata.rcode, Rcode::noerror);
    EXPECT_TRUE(nodata.empty());
    EXPECT_EQ(nodata.ttl, 60u);
}

TEST_F(CaresResolverTest, RefusedIsServfailNotTimeout) {
    // `local-zone: "." refuse`: unbound answers REFUSED outside the test zone.
    Answer a = query("example.com", RecordType::a);
    EXPECT_EQ(a.rcode, Rcode::servfail);
}

TEST_F(CaresResolverTest, ManyConcurrentQueries) {
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    std::vector<Answer> answers(200);
    std::vector<int> calls(200, 0);
    for (int i = 0; i < 200; ++i) {
        std::string name = "host" + std::to_string(i % 100) + ".example.test";
        (*resolver)->lookup({name, RecordType::a}, [&answers, &calls, i](Answer a) {
            answers[i] = std::move(a);
            ++calls[i];
        });
    }
    io.run_for(std::chrono::seconds(20));
    for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(calls[i], 1) << i;
        ASSERT_EQ(answers[i].rcode, Rcode::noerror) << i;
        ASSERT_EQ(answers[i].addresses.size(), 1u) << i;
        EXPECT_EQ(answers[i].addresses[0].to_string(), "10.0.0." + std::to_string(i % 100));
    }
}

TEST_F(CaresResolverTest, CompletionIsNeverCalledInsideLookup) {
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    int calls = 0;
    Question q{"mx1.example.test", RecordType::a};
    (*resolver)->lookup(q, [&calls](Answer) { ++calls; });
    io.run();
    ASSERT_EQ(calls, 1);
    (*resolver)->lookup(q, [&calls](Answer) { ++calls; });  // a cache hit
    EXPECT_EQ(calls, 1);
    io.restart();
    io.run();
    EXPECT_EQ(calls, 2);
    EXPECT_EQ((*resolver)->cache_hits(), 1u);
}

TEST_F(CaresResolverTest, DestroyAnswersPendingLookupsWithTimeout) {
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    std::vector<Rcode> got;
    (*resolver)->lookup({"mx1.example.test", RecordType::a},
                        [&got](Answer a) { got.push_back(a.rcode); });
    resolver->reset();
    io.run();
    EXPECT_EQ(got, std::vector<Rcode>{Rcode::timeout});
}

boost::asio::awaitable<void> resolve_two(Resolver& resolver, std::vector<Answer>& out) {
    Question mx{"example.test", RecordType::mx};
    Answer first = co_await async_lookup(resolver, mx);
    out.push_back(std::move(first));
    Question nx{"nope.example.test", RecordType::a};
    Answer second = co_await async_lookup(resolver, nx);
    out.push_back(std::move(second));
}

TEST_F(CaresResolverTest, CoroutineWrapper) {
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    std::vector<Answer> answers;
    auto task = resolve_two(**resolver, answers);
    boost::asio::co_spawn(io, std::move(task), boost::asio::detached);
    io.run_for(std::chrono::seconds(10));
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].rcode, Rcode::noerror);
    EXPECT_EQ(answers[0].mx.size(), 3u);
    EXPECT_EQ(answers[1].rcode, Rcode::nxdomain);
}

TEST(CaresResolverOptions, BadNameserverListIsInvalid) {
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for("not an address"));
    ASSERT_FALSE(resolver.ok());
    EXPECT_EQ(resolver.error().code, Errc::invalid);
}

// A UDP socket that receives queries and never answers them.
class SilentServer {
  public:
    SilentServer() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~SilentServer() { ::close(fd_); }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(CaresResolverTimeout, SilentServerTimesOutWithinBound) {
    SilentServer silent;
    auto resolver = BlockingCaresResolver::create(options_for(silent.address()));
    ASSERT_TRUE(resolver.ok());
    auto start = std::chrono::steady_clock::now();
    Answer a = (*resolver)->query({"mx1.example.test", RecordType::a});
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(a.rcode, Rcode::timeout);
    EXPECT_TRUE(a.empty());
    // Two tries of 300 ms (c-ares doubles the second): well under 5 s.
    EXPECT_GE(elapsed, milliseconds(250));
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    // A timeout is not cached: the next query goes out again and times out.
    Answer again = (*resolver)->query({"mx1.example.test", RecordType::a});
    EXPECT_EQ(again.rcode, Rcode::timeout);
}

TEST(CaresResolverTimeout, ClosedPortIsTimeoutNotServfail) {
    int port = testing::free_udp_port();
    auto resolver = BlockingCaresResolver::create(options_for("127.0.0.1:" + std::to_string(port)));
    ASSERT_TRUE(resolver.ok());
    Answer a = (*resolver)->query({"mx1.example.test", RecordType::a});
    EXPECT_EQ(a.rcode, Rcode::timeout);
}

// These stop their own unbound, to prove where an answer came from.
TEST(CaresResolverCache, AnswersWithinTtlWithoutServer) {
    tern::testing::TempDir dir;
    auto server = UnboundServer::start(dir.path(), zone());
    ASSERT_TRUE(server.ok()) << server.error().message;
    boost::asio::io_context io;
    auto resolver = CaresResolver::create(io, options_for((*server)->address()));
    ASSERT_TRUE(resolver.ok());
    auto ask = [&](const Question& q) {
        Answer out;
        out.rcode = Rcode::timeout;
        (*resolver)->lookup(q, [&out](Answer a) { out = std::move(a); });
        io.restart();
        io.run();
        return out;
    };
    Answer first = ask({"mx1.example.test", RecordType::a});
    ASSERT_EQ(first.rcode, Rcode::noerror);
    Answer negative = ask({"nope.example.test", RecordType::a});
    ASSERT_EQ(negative.rcode, Rcode::nxdomain);
    std::size_t sent = (*resolver)->queries_sent();

    (*server)->stop();
    Answer cached = ask({"MX1.example.test.", RecordType::a});
    EXPECT_EQ(cached.rcode, Rcode::noerror);
    EXPECT_EQ(cached.addresses, first.addresses);
    EXPECT_LE(cached.ttl, first.ttl);
    Answer cached_negative = ask({"nope.example.test", RecordType::a});
    EXPECT_EQ(cached_negative.rcode, Rcode::nxdomain);
    EXPECT_EQ((*resolver)->queries_sent(), sent);
    EXPECT_EQ((*resolver)->cache_hits(), 2u);
    // Not in the cache: the stopped server cannot answer.
    EXPECT_EQ(ask({"host1.example.test", RecordType::a}).rcode, Rcode::timeout);
}

TEST(CaresResolverCache, ExpiresAfterTtl) {
    tern::testing::TempDir dir;
    auto server = UnboundServer::start(dir.path(), zone());
    ASSERT_TRUE(server.ok()) << server.error().message;
    auto resolver = BlockingCaresResolver::create(options_for((*server)->address()));
    ASSERT_TRUE(resolver.ok());
    Question q{"short.example.test", RecordType::a};  // TTL 1 s
    Answer first = (*resolver)->query(q);
    ASSERT_EQ(first.rcode, Rcode::noerror);
    EXPECT_EQ(first.ttl, 1u);
    (*server)->stop();
    EXPECT_EQ((*resolver)->query(q).rcode, Rcode::noerror);  // still cached
    std::this_thread::sleep_for(milliseconds(1100));
    EXPECT_EQ((*resolver)->query(q).rcode, Rcode::timeout);  // expired: asked the dead server
}

}  // namespace
}  // namespace tern::dns

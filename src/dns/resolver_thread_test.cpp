// ResolverThread and async_lookup across threads: coroutines on two worker
// threads (one io_context each, as the server runs sessions) share one
// resolver thread against a real unbound, and each resumes on its own thread.
#include "dns/resolver_thread.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "dns/async_lookup.hpp"
#include "dns/unbound_server.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/temp_dir.hpp"

namespace tern::dns {
namespace {

using std::chrono::milliseconds;
using testing::UnboundServer;

std::vector<std::string> zone() {
    return {
        R"(local-zone: "threads.test." static)",
        R"(local-data: "threads.test. 3600 IN SOA ns.threads.test. h.threads.test. 1 3600 600 86400 60")",
        R"(local-data: "a.threads.test. 300 IN A 192.0.2.1")",
        R"(local-data: "b.threads.test. 300 IN A 192.0.2.2")",
        R"(local-data: 'threads.test. 300 IN TXT "v=spf1 -all"')",
    };
}

CaresOptions options_for(const std::string& server) {
    CaresOptions o;
    o.nameservers = server;
    o.timeout = milliseconds(300);
    o.tries = 2;
    return o;
}

// What one coroutine saw: its answers and the thread it resumed on after
// each lookup.
struct Observed {
    std::thread::id home;
    std::vector<std::thread::id> resumed_on;
    std::vector<Answer> answers;
};

boost::asio::awaitable<void> ask(Resolver& resolver, std::string name, Observed& out) {
    for (int i = 0; i < 3; ++i) {
        Question q{name, RecordType::a};
        Answer a = co_await async_lookup(resolver, q);
        out.resumed_on.push_back(std::this_thread::get_id());
        out.answers.push_back(std::move(a));
    }
    std::vector<Question> qs = {{"a.threads.test", RecordType::a},
                                {"threads.test", RecordType::txt},
                                {"missing.threads.test", RecordType::a}};
    std::vector<Answer> all = co_await async_lookup_all(resolver, std::move(qs));
    out.resumed_on.push_back(std::this_thread::get_id());
    for (auto& a : all)
        out.answers.push_back(std::move(a));
}

// Runs `ask` on its own io_context and thread; run() returns only when the
// coroutine finished (the pending lookup keeps the io_context busy).
void run_on_thread(Resolver& resolver, std::string name, Observed& out) {
    boost::asio::io_context io(1);
    out.home = std::this_thread::get_id();
    auto task = ask(resolver, std::move(name), out);
    boost::asio::co_spawn(io, std::move(task), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    io.run();
}

class ResolverThreadTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto server = UnboundServer::start(dir_.path(), zone());
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(*server);
    }
    tern::testing::TempDir dir_;
    std::unique_ptr<UnboundServer> server_;
};

TEST_F(ResolverThreadTest, TwoThreadsShareItAndResumeAtHome) {
    auto resolver = ResolverThread::start(options_for(server_->address()));
    ASSERT_TRUE(resolver.ok()) << resolver.error().message;
    Observed one, two;
    std::thread t1([&] { run_on_thread(**resolver, "a.threads.test", one); });
    std::thread t2([&] { run_on_thread(**resolver, "b.threads.test", two); });
    t1.join();
    t2.join();

    for (const Observed* o : {&one, &two}) {
        ASSERT_EQ(o->answers.size(), 6u);
        ASSERT_EQ(o->resumed_on.size(), 4u);
        for (auto id : o->resumed_on)
            EXPECT_EQ(id, o->home) << "a coroutine resumed on another thread";
        // async_lookup_all keeps question order.
        EXPECT_EQ(o->answers[3].rcode, Rcode::noerror);
        ASSERT_EQ(o->answers[3].addresses.size(), 1u);
        EXPECT_EQ(o->answers[3].addresses[0], *IpAddress::parse("192.0.2.1"));
        ASSERT_EQ(o->answers[4].txt.size(), 1u);
        EXPECT_EQ(o->answers[4].txt[0], "v=spf1 -all");
        EXPECT_EQ(o->answers[5].rcode, Rcode::nxdomain);
    }
    EXPECT_NE(one.home, two.home);
    ASSERT_EQ(one.answers[0].addresses.size(), 1u);
    EXPECT_EQ(one.answers[0].addresses[0], *IpAddress::parse("192.0.2.1"));
    ASSERT_EQ(two.answers[0].addresses.size(), 1u);
    EXPECT_EQ(two.answers[0].addresses[0], *IpAddress::parse("192.0.2.2"));
}

TEST_F(ResolverThreadTest, CallbacksRunOnTheResolverThreadNotTheCaller) {
    auto resolver = ResolverThread::start(options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    std::mutex m;
    std::condition_variable cv;
    std::optional<std::thread::id> callback_thread;
    Answer got;
    (*resolver)->lookup({"a.threads.test", RecordType::a}, [&](Answer a) {
        std::lock_guard lock(m);
        callback_thread = std::this_thread::get_id();
        got = std::move(a);
        cv.notify_all();
    });
    std::unique_lock lock(m);
    ASSERT_TRUE(
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return callback_thread.has_value(); }));
    EXPECT_NE(*callback_thread, std::this_thread::get_id());
    EXPECT_EQ(got.rcode, Rcode::noerror);
}

TEST_F(ResolverThreadTest, AfterStopLookupsTimeOut) {
    auto resolver = ResolverThread::start(options_for(server_->address()));
    ASSERT_TRUE(resolver.ok());
    (*resolver)->stop();
    (*resolver)->stop();  // idempotent
    std::optional<Answer> got;
    (*resolver)->lookup({"a.threads.test", RecordType::a}, [&](Answer a) { got = std::move(a); });
    ASSERT_TRUE(got);
    EXPECT_EQ(got->rcode, Rcode::timeout);
}

TEST(ResolverThreadOptions, BadNameserverListIsInvalid) {
    auto resolver = ResolverThread::start(options_for("not an address"));
    ASSERT_FALSE(resolver.ok());
    EXPECT_EQ(resolver.error().code, Errc::invalid);
}

// An in-memory resolver answers inside lookup(); async_lookup still
// resumes through the executor (a posted completion), with the answer.
TEST(AsyncLookup, SynchronousResolverResumesViaExecutor) {
    tern::testing::MemoryResolver memory;
    memory.add_a("x.example", "192.0.2.7");
    boost::asio::io_context io(1);
    std::vector<Answer> answers;
    auto task = [&]() -> boost::asio::awaitable<void> {
        Question q{"x.example", RecordType::a};
        Answer a = co_await async_lookup(memory, q);
        answers.push_back(std::move(a));
        std::vector<Question> none;
        std::vector<Answer> empty = co_await async_lookup_all(memory, std::move(none));
        EXPECT_TRUE(empty.empty());
    };
    auto coro = task();
    boost::asio::co_spawn(io, std::move(coro), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    io.run();
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_EQ(answers[0].addresses.size(), 1u);
    EXPECT_EQ(answers[0].addresses[0], *IpAddress::parse("192.0.2.7"));
}

}  // namespace
}  // namespace tern::dns

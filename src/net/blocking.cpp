#include "net/blocking.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tern::net {

namespace asio = boost::asio;

struct Blocking::Impl {
    explicit Impl(unsigned threads) : pool(threads ? threads : 4) {}
    asio::thread_pool pool;
};

Blocking::Blocking(unsigned threads) : impl_(std::make_unique<Impl>(threads)) {}

Blocking::~Blocking() {
    impl_->pool.join();
}

Task<void> Blocking::run(const std::function<void()>& job) {
    auto caller = co_await asio::this_coro::executor;
    auto token = asio::use_awaitable;
    auto initiation = [this, caller, &job](auto handler) {
        asio::post(impl_->pool, [caller, &job, handler = std::move(handler)]() mutable {
            job();
            // Resume the coroutine on its own thread, never on the pool's.
            asio::post(caller, std::move(handler));
        });
    };
    co_await asio::async_initiate<decltype(token), void()>(std::move(initiation), token);
}

void Blocking::post(std::function<void()> job) {
    asio::post(impl_->pool, std::move(job));
}

}  // namespace tern::net

// ---- net/timer.hpp -----------------------------------------------------------
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/timer.hpp"

namespace tern::net {

Task<void> sleep_for(std::chrono::milliseconds duration) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, duration);
    auto token = asio::as_tuple(asio::use_awaitable);
    co_await timer.async_wait(token);
}

}  // namespace tern::net

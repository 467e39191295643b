// async_lookup: any dns::Resolver as a coroutine call,
//   Answer a = co_await dns::async_lookup(resolver, {"example.org", RecordType::mx});
// returning boost::asio::awaitable<Answer>, which is net::Task<Answer>
// (net/task.hpp is the same alias; dns/ does not include net/).
// async_lookup_all asks several questions at once and resumes when the last
// answer is in (answers in question order): one round trip, not N.
//
// Promise: resumes once with the Answer(s) the resolver delivers; failures
// are answers (rcode), never exceptions. The coroutine always resumes on its
// own executor, whichever thread the resolver calls back on (the completion
// is posted to the handler's associated executor), so a coroutine on any
// thread may use a shared resolver (dns::ResolverThread) as well as one on
// its own thread or an in-memory one that answers inside lookup(). While a
// lookup is pending the coroutine's executor counts it as outstanding work,
// so its io_context does not run out of work meanwhile.
//
// Written for g++ 12 (STACK-NOTES, asio issue 1007): the initiation and the
// token are named locals, never temporaries inside the co_await operand.
#pragma once

#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <utility>
#include <vector>

#include "dns/resolver.hpp"

namespace tern::dns {

namespace detail {

// The handler's executor, marked as having work outstanding while the
// lookup runs elsewhere.
template <class Handler>
auto tracked_executor(const Handler& handler) {
    return boost::asio::prefer(boost::asio::get_associated_executor(handler),
                               boost::asio::execution::outstanding_work.tracked);
}

}  // namespace detail

inline boost::asio::awaitable<Answer> async_lookup(Resolver& resolver, Question question) {
    auto initiation = [&resolver](auto handler, Question q) {
        // Resolver::Callback is a std::function (copyable); the coroutine's
        // handler is move-only, so it travels in a shared_ptr.
        using Handler = decltype(handler);
        auto executor = detail::tracked_executor(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        resolver.lookup(q, [shared, executor](Answer answer) {
            // Back to the awaiting coroutine's thread, never resumed inline
            // on the resolver's.
            boost::asio::post(executor, [shared, answer = std::move(answer)]() mutable {
                std::move (*shared)(std::move(answer));
            });
        });
    };
    auto token = boost::asio::use_awaitable;
    // Named, then awaited: no temporary lives inside the co_await operand.
    boost::asio::awaitable<Answer> op = boost::asio::async_initiate<decltype(token), void(Answer)>(
        initiation, token, std::move(question));
    Answer answer = co_await std::move(op);
    co_return answer;
}

inline boost::asio::awaitable<std::vector<Answer>> async_lookup_all(
    Resolver& resolver, std::vector<Question> questions) {
    using Answers = std::vector<Answer>;
    auto initiation = [&resolver](auto handler, std::vector<Question> qs) {
        using Handler = decltype(handler);
        auto executor = detail::tracked_executor(handler);
        struct State {
            explicit State(Handler h, std::size_t n)
                : handler(std::move(h)), answers(n), pending(n + 1) {}
            Handler handler;
            Answers answers;
            // Callbacks may run on another thread, concurrently with this
            // loop or with each other: each writes its own slot, and the
            // one that brings the count to zero (acq_rel) sees them all.
            std::atomic<std::size_t> pending;
        };
        auto state = std::make_shared<State>(std::move(handler), qs.size());
        auto finish = [state, executor] {
            if (state->pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
            boost::asio::post(executor,
                              [state] { std::move(state->handler)(std::move(state->answers)); });
        };
        for (std::size_t i = 0; i < qs.size(); ++i) {
            resolver.lookup(qs[i], [state, finish, i](Answer answer) {
                state->answers[i] = std::move(answer);
                finish();
            });
        }
        finish();  // the +1: no answer can complete the operation before all were asked
    };
    auto token = boost::asio::use_awaitable;
    boost::asio::awaitable<Answers> op =
        boost::asio::async_initiate<decltype(token), void(Answers)>(initiation, token,
                                                                    std::move(questions));
    Answers answers = co_await std::move(op);
    co_return answers;
}

}  // namespace tern::dns

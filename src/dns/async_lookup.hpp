// async_lookup: any dns::Resolver as a coroutine call,
//   Answer a = co_await dns::async_lookup(resolver, {"example.org", RecordType::mx});
// returning boost::asio::awaitable<Answer>, which is net::Task<Answer>
// (net/task.hpp is the same alias; dns/ does not include net/).
//
// Promise: resumes once with the Answer the resolver delivers; failures are
// answers (rcode), never exceptions. The resolver must deliver on the
// coroutine's executor thread (CaresResolver posts to its io_context; use
// the one the coroutine runs on).
//
// Written for g++ 12 (STACK-NOTES, asio issue 1007): the initiation and the
// token are named locals, never temporaries inside the co_await operand.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <utility>

#include "dns/resolver.hpp"

namespace tern::dns {

inline boost::asio::awaitable<Answer> async_lookup(Resolver& resolver, Question question) {
    auto initiation = [&resolver](auto handler, Question q) {
        // Resolver::Callback is a std::function (copyable); the coroutine's
        // handler is move-only, so it travels in a shared_ptr.
        using Handler = decltype(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        resolver.lookup(q, [shared](Answer answer) { std::move (*shared)(std::move(answer)); });
    };
    auto token = boost::asio::use_awaitable;
    // Named, then awaited: no temporary lives inside the co_await operand.
    boost::asio::awaitable<Answer> op = boost::asio::async_initiate<decltype(token), void(Answer)>(
        initiation, token, std::move(question));
    Answer answer = co_await std::move(op);
    co_return answer;
}

}  // namespace tern::dns

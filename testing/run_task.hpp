// Runs a coroutine to completion on a private io_context (for tests).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>

#include "net/task.hpp"

namespace tern::testing {

template <class T>
T run_task(net::Task<T> task) {
    boost::asio::io_context ctx;
    std::optional<T> result;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result.emplace(std::move(value));
    });
    ctx.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

inline void run_task(net::Task<void> task) {
    boost::asio::io_context ctx;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e) { error = e; });
    ctx.run();
    if (error) std::rethrow_exception(error);
}

}  // namespace tern::testing

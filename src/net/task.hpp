// Task<T>: the coroutine type of every session. A thin alias so protocol code
// includes only <boost/asio/awaitable.hpp>, not the whole of Asio (each
// translation unit that includes Asio's sockets costs ~30 s to compile here).
#pragma once

#include <boost/asio/awaitable.hpp>

namespace tern::net {

template <class T = void>
using Task = boost::asio::awaitable<T>;

}  // namespace tern::net

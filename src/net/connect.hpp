// Outbound TCP connections (the queue's deliveries to remote MX hosts).
//
// connect_tcp() opens a connection to an IP literal and hands back a Stream
// whose TLS side is the client's (Stream::start_tls_client, for SMTP
// STARTTLS, RFC 3207). Name resolution is not done here: the caller picks
// addresses from the MX and A/AAAA answers (RFC 5321 5.1) and tries them in
// turn.
//
// Executors: the connection lives on the calling coroutine's executor,
// which must run on one thread (a net::Server worker, or an io_context run
// by one thread); every later call on the Stream must come from it too.
// The Stream's read/write timeout starts at 5 minutes: set_timeout() it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "net/stream.hpp"
#include "net/task.hpp"

namespace tern::net {

// Opens a TCP connection to ip:port (IPv4 or IPv6 literal, brackets
// allowed: "[2001:db8::1]") on the calling coroutine's executor.
// Errors: Errc::timeout (no answer within timeout), Errc::io (refused,
// unreachable: message says), Errc::invalid (ip is not an address literal).
Task<Result<std::unique_ptr<Stream>>> connect_tcp(std::string ip, uint16_t port,
                                                  std::chrono::milliseconds timeout);

}  // namespace tern::net

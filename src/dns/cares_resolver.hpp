// CaresResolver: the production dns::Resolver, c-ares 1.18 driven by an Asio
// io_context (DESIGN.md rule 2: DNS never blocks the event loop).
//
// Where it lives: in dns/, as its own library tern_dns_cares that links
// c-ares and Boost.Asio, so that dns/resolver.hpp and everything depending
// only on tern_dns (mailauth, delivery) stay free of Asio. This header only
// forward-declares io_context; Asio is included by cares_resolver.cpp alone.
//
// Contract (on top of dns::Resolver's):
//   - create() fails with Errc::invalid for a bad nameserver list and
//     Errc::internal when c-ares cannot start. Nameservers are
//     "ip[:port],ip[:port]" ("127.0.0.1:5353", "[::1]:53"); empty means
//     /etc/resolv.conf.
//   - lookup() must be called on the thread running the io_context (a c-ares
//     channel is not thread-safe: make one CaresResolver per thread). `done`
//     is always posted to the io_context, never called inside lookup().
//   - Queries carry EDNS0 (1232 bytes) and the AD bit; the answer's
//     `authenticated` is the AD bit of the response (RFC 6840 5.7). Trust it
//     only from a validating resolver on a trusted path (as Postfix's
//     smtp_tls_security_level=dane does).
//   - Outcomes: noerror (possibly NODATA), nxdomain, servfail (SERVFAIL,
//     REFUSED, FORMERR, a malformed response, a CNAME loop), timeout (no
//     response after all tries, including ICMP-refused servers).
//   - CNAME chains are followed inside the response and, when a response
//     stops at a CNAME, by querying its target (at most kMaxCnameHops links).
//   - Answers are cached by TTL (AnswerCache); negative ones by the SOA's.
//   - Destroying the resolver answers every pending lookup with timeout
//     (posted); the io_context must outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "dns/resolver.hpp"

namespace boost::asio {
class io_context;
}

namespace tern::dns {

struct CaresOptions {
    std::string nameservers;                  // empty: /etc/resolv.conf
    std::chrono::milliseconds timeout{2000};  // per try (c-ares backs off)
    int tries = 3;                            // per nameserver
    std::size_t cache_entries = 10000;        // 0 disables the cache
};

class CaresResolver : public Resolver {
  public:
    static Result<std::unique_ptr<CaresResolver>> create(boost::asio::io_context& io,
                                                         const CaresOptions& options);
    ~CaresResolver() override;
    CaresResolver(const CaresResolver&) = delete;
    CaresResolver& operator=(const CaresResolver&) = delete;

    void lookup(const Question& question, Callback done) override;

    // Lookups answered from the cache / sent to the network, for tests and
    // metrics.
    std::size_t cache_hits() const;
    std::size_t queries_sent() const;

    class Impl;

  private:
    explicit CaresResolver(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

// A blocking CaresResolver over its own io_context, for the command line and
// tests (dns::SyncResolver).
class BlockingCaresResolver : public SyncResolver {
  public:
    static Result<std::unique_ptr<BlockingCaresResolver>> create(const CaresOptions& options);
    ~BlockingCaresResolver() override;

    Answer query(const Question& question) override;

  private:
    BlockingCaresResolver();
    std::unique_ptr<boost::asio::io_context> io_;
    std::unique_ptr<CaresResolver> resolver_;
};

}  // namespace tern::dns

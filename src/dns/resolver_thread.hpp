// ResolverThread: one CaresResolver shared by every thread of the server.
//
// Why: a c-ares channel is not thread-safe and CaresResolver must be used on
// the thread running its io_context, but sessions run on several worker
// threads (one io_context each). ResolverThread owns an io_context, the
// thread that runs it and a CaresResolver on it; lookup() may be called from
// any thread and posts the question there. One cache then serves the whole
// server, and no session thread ever waits on DNS (DESIGN.md rule 2).
//
// Contract (on top of dns::Resolver's):
//   - start() fails with the CaresResolver's errors (Errc::invalid for a bad
//     nameserver list, Errc::internal when c-ares cannot start).
//   - lookup() is thread-safe. `done` runs on the resolver's thread, never
//     inside lookup(); callers on other threads hand the answer back to
//     their own executor (dns::async_lookup does that).
//   - After stop() (or once the object is destroyed) every lookup still
//     pending and every later one is answered with Rcode::timeout, on the
//     resolver's thread while it still runs, else inside lookup().
//   - stop() joins the thread; it is idempotent.
#pragma once

#include <memory>

#include "base/result.hpp"
#include "dns/cares_resolver.hpp"
#include "dns/resolver.hpp"

namespace tern::dns {

class ResolverThread : public Resolver {
  public:
    static Result<std::unique_ptr<ResolverThread>> start(const CaresOptions& options);
    ~ResolverThread() override;
    ResolverThread(const ResolverThread&) = delete;
    ResolverThread& operator=(const ResolverThread&) = delete;

    void lookup(const Question& question, Callback done) override;
    void stop();

    struct Impl;

  private:
    explicit ResolverThread(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern::dns

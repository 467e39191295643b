// The DNS resolver seam (STYLE.md 9): every DNS lookup in Tern goes through
// one of these interfaces, so tests inject an in-memory resolver
// (testing/memory_resolver.hpp) and production injects the c-ares one.
//
// Why callbacks and not coroutines: DNS must never block the event loop
// (DESIGN.md rule 2), but libraries such as mailauth may not include net/
// (where the coroutine task type lives). So the asynchronous interface is a
// plain completion callback, and protocol logic that needs DNS is written as
// a pure, resumable state machine (it asks for a Question, the caller
// resolves it with any Resolver and feeds the Answer back; see
// mailauth/spf/evaluator.hpp). Coroutine code adapts `Resolver::lookup` with
// async_initiate in net/.
//
// Contract for implementations:
//   - lookup() calls `done` exactly once, with an Answer whose rcode says
//     what happened (failures are answers, never exceptions). It may call it
//     before returning (cache hit, in-memory resolver) or later on the
//     resolver's event loop thread.
//   - CNAME chains are followed (RFC 1034 3.6.2); a loop or an over-long
//     chain answers servfail.
//   - Names are matched case-insensitively (RFC 4343); a trailing dot is
//     optional.
// SyncResolver is the same contract, blocking; only tests and command-line
// tools use it.
#pragma once

#include <functional>

#include "dns/records.hpp"

namespace tern::dns {

class Resolver {
  public:
    using Callback = std::function<void(Answer)>;
    virtual ~Resolver() = default;
    virtual void lookup(const Question& question, Callback done) = 0;
};

class SyncResolver {
  public:
    virtual ~SyncResolver() = default;
    virtual Answer query(const Question& question) = 0;
};

}  // namespace tern::dns

// SPF verifier (RFC 7208): check_host() as a pure, resumable state machine.
//
// Why a state machine: DNS lookups are asynchronous in Tern (c-ares in the
// event loop, DESIGN.md rule 2) and mailauth may not depend on net/, so the
// evaluator performs no I/O. The caller loops:
//
//   SpfEvaluator ev(input);
//   for (;;) {
//       auto step = ev.step();
//       if (auto* v = std::get_if<SpfVerdict>(&step)) { use(*v); break; }
//       ev.provide(resolve(std::get<dns::Question>(step)));  // any resolver
//   }
//
// step() re-runs the (deterministic) evaluation over the answers provided
// so far and stops at the first question without an answer. Every answer is
// kept, so a lookup is asked for once; re-running costs microseconds next to
// a DNS round trip and keeps the evaluator a straight transcription of
// RFC 7208 4.6-6 instead of a hand-unrolled stack of include frames.
// check_spf() drives it over a blocking dns::SyncResolver (tests, CLI);
// check_spf_async() over the callback dns::Resolver.
//
// Implemented: record selection (4.5, the SPF RR type is not queried),
// every mechanism (5.1-5.7) with qualifiers, redirect and exp (6.1, 6.2),
// unknown modifiers ignored, macros (7), the limits of 4.6.4 (10 DNS
// mechanisms/modifiers, 2 void lookups, 10 MX names, 10 PTR names), the
// DNS error rules of 5 and 2.6.6/2.6.7, IPv4-mapped IPv6 clients evaluated
// as IPv4, the HELO identity (2.3) and the null reverse-path (2.4).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "dns/resolver.hpp"

namespace tern::mailauth::spf {

// RFC 7208 2.6.
enum class SpfResult { none, neutral, pass, fail, softfail, temperror, permerror };

std::string_view to_string(SpfResult result);

struct SpfInput {
    dns::IpAddress ip;      // the SMTP client
    std::string helo;       // HELO/EHLO argument
    std::string mail_from;  // MAIL FROM address without <>; "" for the null path
    // RFC 7208 2.3: check the HELO identity instead of MAIL FROM.
    bool check_helo = false;
    std::string receiver;        // %{r}: our host name ("unknown" if empty)
    std::int64_t timestamp = 0;  // %{t}
};

struct SpfLimits {
    int dns_terms = 10;    // RFC 7208 4.6.4
    int void_lookups = 2;  // RFC 7208 4.6.4
    int mx_names = 10;     // RFC 7208 4.6.4
    int ptr_names = 10;    // RFC 7208 4.6.4
};

struct SpfVerdict {
    SpfResult result = SpfResult::none;
    std::string domain;       // the identity's domain that was checked
    std::string explanation;  // fail only: the expanded exp= text, if any
    std::string reason;       // what decided: the matching term, or the error
    int dns_terms = 0;        // DNS-querying terms evaluated
};

class SpfEvaluator {
  public:
    using Step = std::variant<dns::Question, SpfVerdict>;

    explicit SpfEvaluator(SpfInput input, SpfLimits limits = {});

    // The next question to resolve, or the final verdict. Calling step()
    // again without provide() returns the same question.
    Step step();
    // The answer to the question the last step() returned.
    void provide(dns::Answer answer);

    using AnswerKey = std::pair<std::string, dns::RecordType>;

  private:
    SpfInput input_;
    SpfLimits limits_;
    std::map<AnswerKey, dns::Answer> answers_;
    std::optional<AnswerKey> pending_;
};

SpfVerdict check_spf(const SpfInput& input, dns::SyncResolver& resolver, SpfLimits limits = {});

// Calls `done` exactly once, possibly before returning (if the resolver
// answers synchronously). The resolver must outlive the evaluation.
void check_spf_async(SpfInput input, dns::Resolver& resolver, std::function<void(SpfVerdict)> done,
                     SpfLimits limits = {});

}  // namespace tern::mailauth::spf

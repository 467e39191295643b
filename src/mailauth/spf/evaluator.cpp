#include "mailauth/spf/evaluator.hpp"

#include <memory>

#include "dns/resolve_steps.hpp"
#include "mailauth/spf/check_host.hpp"

namespace tern::mailauth::spf {

std::string_view to_string(SpfResult result) {
    switch (result) {
        case SpfResult::none:
            return "none";
        case SpfResult::neutral:
            return "neutral";
        case SpfResult::pass:
            return "pass";
        case SpfResult::fail:
            return "fail";
        case SpfResult::softfail:
            return "softfail";
        case SpfResult::temperror:
            return "temperror";
        case SpfResult::permerror:
            return "permerror";
    }
    return "?";
}

SpfEvaluator::SpfEvaluator(SpfInput input, SpfLimits limits)
    : input_(std::move(input)), limits_(limits) {}

SpfEvaluator::Step SpfEvaluator::step() {
    detail::HostCheck run(input_, limits_, answers_);
    auto verdict = run.run();
    if (verdict) {
        pending_.reset();
        return std::move(*verdict);
    }
    const dns::Question& q = *run.pending();
    pending_ = AnswerKey{q.name, q.type};
    return q;
}

void SpfEvaluator::provide(dns::Answer answer) {
    if (!pending_) return;  // nothing was asked: ignore a stray answer
    answers_.insert_or_assign(*pending_, std::move(answer));
    pending_.reset();
}

SpfVerdict check_spf(const SpfInput& input, dns::SyncResolver& resolver, SpfLimits limits) {
    SpfEvaluator ev(input, limits);
    for (;;) {
        auto step = ev.step();
        if (auto* verdict = std::get_if<SpfVerdict>(&step)) return std::move(*verdict);
        ev.provide(resolver.query(std::get<dns::Question>(step)));
    }
}

void check_spf_async(SpfInput input, dns::Resolver& resolver, std::function<void(SpfVerdict)> done,
                     SpfLimits limits) {
    dns::resolve_steps<SpfVerdict>(SpfEvaluator(std::move(input), limits), resolver,
                                   std::move(done));
}

}  // namespace tern::mailauth::spf

#include "mailauth/spf/evaluator.hpp"

#include <memory>

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

namespace {

// Keeps the evaluator alive across asynchronous answers. A resolver that
// answers synchronously would recurse once per lookup; `in_pump` turns that
// into iteration.
struct AsyncRun : std::enable_shared_from_this<AsyncRun> {
    AsyncRun(SpfInput input, SpfLimits limits, dns::Resolver& r, std::function<void(SpfVerdict)> d)
        : ev(std::move(input), limits), resolver(r), done(std::move(d)) {}

    void pump() {
        in_pump = true;
        for (;;) {
            auto step = ev.step();
            if (auto* verdict = std::get_if<SpfVerdict>(&step)) {
                auto cb = std::move(done);
                in_pump = false;
                cb(std::move(*verdict));
                return;
            }
            answered = false;
            auto self = shared_from_this();
            resolver.lookup(std::get<dns::Question>(step), [self](dns::Answer answer) {
                self->ev.provide(std::move(answer));
                self->answered = true;
                if (!self->in_pump) self->pump();
            });
            if (!answered) break;  // the answer comes later and resumes us
        }
        in_pump = false;
    }

    SpfEvaluator ev;
    dns::Resolver& resolver;
    std::function<void(SpfVerdict)> done;
    bool in_pump = false;
    bool answered = false;
};

}  // namespace

void check_spf_async(SpfInput input, dns::Resolver& resolver, std::function<void(SpfVerdict)> done,
                     SpfLimits limits) {
    auto run = std::make_shared<AsyncRun>(std::move(input), limits, resolver, std::move(done));
    run->pump();
}

}  // namespace tern::mailauth::spf

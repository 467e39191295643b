// resolve_steps: drives a resumable, DNS-free evaluator (SPF, DMARC: an
// object whose step() returns either the next dns::Question or its final
// Verdict, and whose provide() takes the answer) with any dns::Resolver,
// calling `done` once with the verdict.
//
// The evaluator lives in shared state until the last answer arrives. A
// resolver that answers synchronously (a cache hit, the in-memory resolver)
// would recurse once per lookup; `in_pump` turns that into iteration.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <variant>

#include "dns/resolver.hpp"

namespace tern::dns {

template <class Evaluator, class Verdict>
class StepRunner : public std::enable_shared_from_this<StepRunner<Evaluator, Verdict>> {
  public:
    StepRunner(Evaluator ev, Resolver& resolver, std::function<void(Verdict)> done)
        : ev_(std::move(ev)), resolver_(resolver), done_(std::move(done)) {}

    void pump() {
        in_pump_ = true;
        for (;;) {
            auto step = ev_.step();
            if (auto* verdict = std::get_if<Verdict>(&step)) {
                auto cb = std::move(done_);
                in_pump_ = false;
                cb(std::move(*verdict));
                return;
            }
            answered_ = false;
            auto self = this->shared_from_this();
            resolver_.lookup(std::get<Question>(step), [self](Answer answer) {
                self->ev_.provide(std::move(answer));
                self->answered_ = true;
                if (!self->in_pump_) self->pump();
            });
            if (!answered_) break;  // the answer comes later and resumes us
        }
        in_pump_ = false;
    }

  private:
    Evaluator ev_;
    Resolver& resolver_;
    std::function<void(Verdict)> done_;
    bool in_pump_ = false;
    bool answered_ = false;
};

template <class Verdict, class Evaluator>
void resolve_steps(Evaluator ev, Resolver& resolver, std::function<void(Verdict)> done) {
    auto run =
        std::make_shared<StepRunner<Evaluator, Verdict>>(std::move(ev), resolver, std::move(done));
    run->pump();
}

}  // namespace tern::dns

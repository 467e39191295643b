// Internal to the SPF evaluator: one deterministic run of RFC 7208
// check_host() over a cache of DNS answers. A run either finishes with a
// verdict or stops at the first question the cache cannot answer (pending()).
// SpfEvaluator (evaluator.hpp) owns the cache and re-runs as answers arrive.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mailauth/spf/evaluator.hpp"
#include "mailauth/spf/macro.hpp"
#include "mailauth/spf/record.hpp"

namespace tern::mailauth::spf::detail {

// RFC 7208 4.3: "none" for a domain that is malformed or not multi-label.
bool valid_domain(std::string_view domain);
// RFC 7208 7.3: drop labels from the left until it fits in 253 characters.
std::string truncate_domain(std::string name);
std::string normalize_name(std::string_view name);
// RFC 1035 2.3.4: 1-63 octet labels, at most 253 characters in text form.
bool dns_name_ok(std::string_view name);

class HostCheck {
  public:
    using Answers = std::map<SpfEvaluator::AnswerKey, dns::Answer>;

    HostCheck(const SpfInput& input, const SpfLimits& limits, const Answers& answers);

    // nullopt: stopped; pending() names the question to resolve.
    std::optional<SpfVerdict> run();
    const std::optional<dns::Question>& pending() const { return pending_; }

  private:
    enum class Flow { no_match, match, suspend, temperror, permerror };
    struct Outcome {
        Flow flow = Flow::no_match;
        SpfResult result = SpfResult::none;  // when flow is match
        std::string explanation;
    };
    static Outcome stop(Flow flow) {
        Outcome out;
        out.flow = flow;
        return out;
    }

    Outcome check_host(const std::string& domain);
    Outcome evaluate_record(const std::string& domain, const Record& record);
    Flow evaluate(const Mechanism& m, const std::string& domain);
    Flow match_a(const Mechanism& m, const std::string& target);
    Flow match_mx(const Mechanism& m, const std::string& target);
    Flow match_ptr(const std::string& target);
    Flow match_exists(const std::string& target);
    Flow match_include(const std::string& target);
    Flow count_term();
    Flow count_void(const dns::Answer& answer);
    // Expands a domain-spec for <domain>; Flow::permerror on bad macros.
    Flow target(const std::string& spec, const std::string& domain, std::string& out);
    Flow validated_name(const std::string& domain, std::string& out);
    Flow explanation(const std::string& spec, const std::string& domain, std::string& out);
    Flow addresses_of(const std::string& name, bool& contains_ip, bool& failed);
    MacroContext context(const std::string& domain) const;
    // nullptr when the answer is not cached yet (pending_ is then set).
    const dns::Answer* lookup(const std::string& name, dns::RecordType type);
    Flow fail_with(Flow flow, std::string reason);

    const SpfInput& input_;
    const SpfLimits& limits_;
    const Answers& answers_;
    dns::IpAddress ip_;
    std::string sender_;
    std::string local_part_;
    std::string sender_domain_;
    int terms_ = 0;
    int voids_ = 0;
    std::string reason_;
    std::optional<dns::Question> pending_;
};

}  // namespace tern::mailauth::spf::detail

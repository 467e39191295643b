// DMARC evaluation (RFC 7489 6.6) as a pure, resumable state machine, in the
// style of the SPF evaluator (mailauth/spf/evaluator.hpp): it performs no
// I/O, asks for one dns::Question at a time, and the caller loops:
//
//   DmarcEvaluator ev(input, psl);
//   for (;;) {
//       auto step = ev.step();
//       if (auto* v = std::get_if<DmarcVerdict>(&step)) { use(*v); break; }
//       ev.provide(resolve(std::get<dns::Question>(step)));
//   }
//
// check_dmarc() drives it over a dns::SyncResolver (tests, CLI);
// check_dmarc_async() over the callback dns::Resolver.
//
// Input: the RFC5322.From domain (extract it with from_domain(), which
// refuses messages with zero or several From addresses, RFC 7489 6.6.1),
// the SPF result and the domain SPF checked (the RFC5321.MailFrom domain,
// RFC 7489 3.1.2; the caller decides what to pass for a null path), every
// DKIM signature's d= and result, and a random sample in [0, 100) for pct.
//
// Steps (RFC 7489 6.6.3): TXT _dmarc.<From domain>; records not starting
// with v=DMARC1 are discarded; none left → TXT _dmarc.<Organizational
// Domain> (RFC 7489 3.2, through the PublicSuffixList); several → no policy.
// Then alignment (RFC 7489 3.1, alignment.hpp): DMARC passes when SPF passed
// for an aligned domain or a passing DKIM signature's d= is aligned.
//
// Results (RFC 7489 11.2 words):
//   none       no DMARC record (or several, or one unusable per 6.6.3);
//   pass       an aligned SPF or DKIM pass;
//   fail       a record exists and nothing aligned passed;
//   temperror  a DNS lookup timed out or failed (SERVFAIL): the caller may
//              answer 451 4.7.x and let the sender retry;
//   permerror  the record is malformed (record.hpp), or the From domain is
//              not a usable domain name.
// On fail, `requested` is the record's policy for the From domain (sp when
// the record came from the Organizational Domain and sp is given, else p),
// and `disposition` is what to do: `requested` when the sample falls inside
// pct, else one level lower (reject → quarantine, quarantine → none;
// RFC 7489 6.6.4) with `sampled_out` set. Any other result disposes "none".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dns/resolver.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "mailauth/dmarc/record.hpp"
#include "mailauth/spf/evaluator.hpp"

namespace tern::mailauth::dmarc {

enum class DmarcResult { none, pass, fail, temperror, permerror };
std::string_view to_string(DmarcResult result);

struct DkimAuth {
    std::string domain;  // d=
    dkim::DkimResult result = dkim::DkimResult::none;
};

struct DmarcInput {
    std::string from_domain;  // RFC5322.From domain
    spf::SpfResult spf_result = spf::SpfResult::none;
    std::string spf_domain;  // the domain SPF authenticated (RFC5321.MailFrom)
    std::vector<DkimAuth> dkim;
    int sample = 0;  // uniformly random in [0, 100); compared with pct
};

struct DmarcVerdict {
    DmarcResult result = DmarcResult::none;
    Policy disposition = Policy::none;  // what to do with the message
    Policy requested = Policy::none;    // what the record asked for
    bool sampled_out = false;           // RFC 7489 6.6.4: pct lowered it
    std::optional<DmarcRecord> record;
    std::string record_domain;  // where the record was found
    std::string from_domain;    // normalized
    std::string org_domain;     // Organizational Domain of from_domain
    bool spf_aligned = false;
    bool dkim_aligned = false;
    std::string dkim_domain;  // the aligned, passing d=
    std::string reason;
};

class DmarcEvaluator {
  public:
    using Step = std::variant<dns::Question, DmarcVerdict>;

    // `psl` must outlive the evaluator.
    DmarcEvaluator(DmarcInput input, const PublicSuffixList& psl);

    // The next question, or the verdict. Calling step() again without
    // provide() repeats the question.
    Step step();
    // The answer to the question the last step() returned.
    void provide(dns::Answer answer);

  private:
    enum class Lookup { pending, temperror, absent, several, found };
    Lookup lookup(const std::string& domain, std::string& txt);
    DmarcVerdict decide(DmarcVerdict v) const;

    DmarcInput input_;
    const PublicSuffixList& psl_;
    std::map<std::string, dns::Answer> answers_;  // TXT answers by name
    std::optional<std::string> pending_;
    std::optional<dns::Question> question_;
};

DmarcVerdict check_dmarc(const DmarcInput& input, const PublicSuffixList& psl,
                         dns::SyncResolver& resolver);

// Calls `done` exactly once, possibly before returning. The resolver and
// `psl` must outlive the evaluation.
void check_dmarc_async(DmarcInput input, const PublicSuffixList& psl, dns::Resolver& resolver,
                       std::function<void(DmarcVerdict)> done);

}  // namespace tern::mailauth::dmarc

#include "mailauth/dmarc/evaluator.hpp"

#include <algorithm>
#include <memory>

#include "dns/resolve_steps.hpp"
#include "mailauth/dmarc/alignment.hpp"

namespace tern::mailauth::dmarc {
namespace {

// RFC 7489 6.6.4: messages left out by pct get the next less strict policy.
Policy one_level_lower(Policy p) {
    switch (p) {
        case Policy::reject:
            return Policy::quarantine;
        case Policy::quarantine:
        case Policy::none:
            return Policy::none;
    }
    return Policy::none;
}

// Takes `v` by reference so that arguments may still read it.
DmarcVerdict finish(DmarcVerdict& v, DmarcResult result, std::string reason) {
    v.result = result;
    v.reason = std::move(reason);
    return std::move(v);
}

}  // namespace

std::string_view to_string(DmarcResult result) {
    switch (result) {
        case DmarcResult::none:
            return "none";
        case DmarcResult::pass:
            return "pass";
        case DmarcResult::fail:
            return "fail";
        case DmarcResult::temperror:
            return "temperror";
        case DmarcResult::permerror:
            return "permerror";
    }
    return "?";
}

DmarcEvaluator::DmarcEvaluator(DmarcInput input, const PublicSuffixList& psl)
    : input_(std::move(input)), psl_(psl) {}

DmarcEvaluator::Lookup DmarcEvaluator::lookup(const std::string& domain, std::string& txt) {
    const std::string name = "_dmarc." + domain;
    // RFC 1035 2.3.4: a name over 253 characters cannot hold a record.
    if (name.size() > 253) return Lookup::absent;
    auto it = answers_.find(name);
    if (it == answers_.end()) {
        pending_ = name;
        question_ = dns::Question{name, dns::RecordType::txt};
        return Lookup::pending;
    }
    const dns::Answer& answer = it->second;
    switch (answer.rcode) {
        case dns::Rcode::noerror:
            break;
        case dns::Rcode::nxdomain:
            return Lookup::absent;
        case dns::Rcode::servfail:
        case dns::Rcode::timeout:
            // RFC 7489 6.6.3: a transient DNS error is not "no record".
            return Lookup::temperror;
    }
    // RFC 7489 6.6.3 step 2: discard TXT records that are not DMARC.
    std::size_t count = 0;
    for (const std::string& t : answer.txt) {
        if (!is_dmarc_record(t)) continue;
        if (++count == 1) txt = t;
    }
    if (count == 0) return Lookup::absent;
    // RFC 7489 6.6.3 step 5: several records terminate policy discovery.
    if (count > 1) return Lookup::several;
    return Lookup::found;
}

DmarcEvaluator::Step DmarcEvaluator::step() {
    pending_.reset();
    question_.reset();
    DmarcVerdict v;
    auto from = normalize_domain(input_.from_domain);
    if (!from) return finish(v, DmarcResult::permerror, "invalid RFC5322.From domain");
    v.from_domain = *from;
    v.org_domain = psl_.organizational_domain(*from);

    std::string txt;
    v.record_domain = v.from_domain;
    Lookup found = lookup(v.from_domain, txt);
    // RFC 7489 6.6.3 step 3: no record at the From domain → ask the
    // Organizational Domain, when it is a different name.
    if (found == Lookup::absent && v.org_domain != v.from_domain) {
        v.record_domain = v.org_domain;
        found = lookup(v.org_domain, txt);
    }
    switch (found) {
        case Lookup::pending:
            return *question_;
        case Lookup::temperror:
            return finish(v, DmarcResult::temperror,
                          "DNS error looking up _dmarc." + v.record_domain);
        case Lookup::absent:
            v.record_domain.clear();
            return finish(v, DmarcResult::none, "no DMARC record");
        case Lookup::several:
            return finish(v, DmarcResult::none,
                          "several DMARC records at _dmarc." + v.record_domain);
        case Lookup::found:
            break;
    }
    auto record = parse_record(txt);
    if (!record) {
        return finish(v, DmarcResult::permerror,
                      "malformed DMARC record: " + record.error().message);
    }
    v.record = std::move(*record);
    // RFC 7489 6.6.3 step 6: no valid p (or a bad sp) and no valid rua.
    if (!v.record->usable) {
        return finish(v, DmarcResult::none, "DMARC record has no valid policy and no rua");
    }
    return decide(std::move(v));
}

DmarcVerdict DmarcEvaluator::decide(DmarcVerdict v) const {
    const DmarcRecord& rec = *v.record;
    // RFC 7489 6.3 sp: the policy for subdomains of the domain that
    // published the record; p when sp is absent.
    v.requested = rec.policy;
    if (v.record_domain != v.from_domain && rec.subdomain_policy)
        v.requested = *rec.subdomain_policy;

    // RFC 7489 3.1.2: SPF counts when it passed for an aligned domain.
    v.spf_aligned = input_.spf_result == spf::SpfResult::pass &&
                    aligned(input_.spf_domain, v.from_domain, rec.spf_alignment, psl_);
    // RFC 7489 3.1.1: any passing signature whose d= aligns.
    for (const DkimAuth& d : input_.dkim) {
        if (d.result == dkim::DkimResult::pass &&
            aligned(d.domain, v.from_domain, rec.dkim_alignment, psl_)) {
            v.dkim_aligned = true;
            v.dkim_domain = *normalize_domain(d.domain);
            break;
        }
    }
    // RFC 7489 4.2: one aligned pass is enough.
    if (v.spf_aligned || v.dkim_aligned) {
        return finish(v, DmarcResult::pass,
                      v.dkim_aligned ? "aligned DKIM pass" : "aligned SPF pass");
    }
    // RFC 7489 6.6.4: pct selects the share of failing mail the policy
    // applies to; the rest gets the next less strict policy.
    const int sample = std::clamp(input_.sample, 0, 99);
    v.disposition = v.requested;
    if (sample >= rec.percent && v.requested != Policy::none) {
        v.sampled_out = true;
        v.disposition = one_level_lower(v.requested);
    }
    return finish(v, DmarcResult::fail, "no aligned SPF or DKIM pass");
}

void DmarcEvaluator::provide(dns::Answer answer) {
    if (!pending_) return;  // nothing was asked: ignore a stray answer
    answers_.insert_or_assign(*pending_, std::move(answer));
    pending_.reset();
}

DmarcVerdict check_dmarc(const DmarcInput& input, const PublicSuffixList& psl,
                         dns::SyncResolver& resolver) {
    DmarcEvaluator ev(input, psl);
    for (;;) {
        auto step = ev.step();
        if (auto* verdict = std::get_if<DmarcVerdict>(&step)) return std::move(*verdict);
        ev.provide(resolver.query(std::get<dns::Question>(step)));
    }
}

void check_dmarc_async(DmarcInput input, const PublicSuffixList& psl, dns::Resolver& resolver,
                       std::function<void(DmarcVerdict)> done) {
    dns::resolve_steps<DmarcVerdict>(DmarcEvaluator(std::move(input), psl), resolver,
                                     std::move(done));
}

}  // namespace tern::mailauth::dmarc

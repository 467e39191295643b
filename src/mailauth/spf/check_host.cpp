#include "mailauth/spf/check_host.hpp"

#include <algorithm>
#include <vector>

#include "base/strings.hpp"

namespace tern::mailauth::spf::detail {
namespace {

bool ends_with_domain(std::string_view name, std::string_view domain) {
    if (iequals(name, domain)) return true;
    return name.size() > domain.size() && name[name.size() - domain.size() - 1] == '.' &&
           iequals(name.substr(name.size() - domain.size()), domain);
}

SpfResult from_qualifier(Qualifier q) {
    switch (q) {
        case Qualifier::pass:
            return SpfResult::pass;
        case Qualifier::fail:
            return SpfResult::fail;
        case Qualifier::softfail:
            return SpfResult::softfail;
        case Qualifier::neutral:
            return SpfResult::neutral;
    }
    return SpfResult::neutral;
}

bool hard_error(const dns::Answer& a) {
    return a.rcode == dns::Rcode::servfail || a.rcode == dns::Rcode::timeout;
}

}  // namespace

std::string normalize_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return to_lower(name);
}

bool dns_name_ok(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    for (auto label : split(name, '.')) {
        if (label.empty() || label.size() > 63) return false;
    }
    return true;
}

bool valid_domain(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    // RFC 7208 4.3: a domain literal ("[192.0.2.1]") is not a domain.
    if (!domain.empty() && domain.front() == '[') return false;
    if (domain.empty() || domain.size() > 253) return false;
    const auto labels = split(domain, '.');
    // RFC 7208 4.3: not multi-label, an empty label, or one over 63 octets.
    if (labels.size() < 2) return false;
    for (auto label : labels) {
        if (label.empty() || label.size() > 63) return false;
    }
    return true;
}

std::string truncate_domain(std::string name) {
    while (name.size() > 253) {
        const auto dot = name.find('.');
        if (dot == std::string::npos) return {};
        name.erase(0, dot + 1);
    }
    return name;
}

HostCheck::HostCheck(const SpfInput& input, const SpfLimits& limits, const Answers& answers)
    : input_(input), limits_(limits), answers_(answers), ip_(input.ip.unmapped()) {
    // RFC 7208 2.4: a null reverse-path means postmaster@<HELO>; 4.3: a
    // sender without a local-part gets "postmaster".
    std::string sender =
        input.check_helo || input.mail_from.empty() ? "postmaster@" + input.helo : input.mail_from;
    const auto at = sender.rfind('@');
    if (at == std::string::npos) {
        local_part_ = "postmaster";
        sender_domain_ = sender;
        sender = "postmaster@" + sender;
    } else {
        local_part_ = at == 0 ? "postmaster" : sender.substr(0, at);
        sender_domain_ = sender.substr(at + 1);
    }
    sender_ = std::move(sender);
}

std::optional<SpfVerdict> HostCheck::run() {
    SpfVerdict verdict;
    verdict.domain = sender_domain_;
    // RFC 7208 4.3: a malformed or single-label domain gives "none".
    if (!valid_domain(sender_domain_)) {
        verdict.reason = "malformed domain";
        return verdict;
    }
    Outcome out = check_host(sender_domain_);
    verdict.dns_terms = terms_;
    verdict.reason = reason_;
    switch (out.flow) {
        case Flow::suspend:
            return std::nullopt;
        case Flow::temperror:
            verdict.result = SpfResult::temperror;
            break;
        case Flow::permerror:
            verdict.result = SpfResult::permerror;
            break;
        case Flow::match:
        case Flow::no_match:
            verdict.result = out.result;
            if (out.result == SpfResult::fail) verdict.explanation = out.explanation;
            break;
    }
    return verdict;
}

const dns::Answer* HostCheck::lookup(const std::string& name, dns::RecordType type) {
    SpfEvaluator::AnswerKey key{normalize_name(name), type};
    // A macro can expand to a name DNS cannot carry (RFC 1035 2.3.4: labels
    // of 1-63 octets, 255 in all); such a name cannot exist, so answer
    // NXDOMAIN here instead of handing it to the resolver.
    if (!dns_name_ok(key.first)) {
        static const dns::Answer kNoSuchName = [] {
            dns::Answer a;
            a.rcode = dns::Rcode::nxdomain;
            return a;
        }();
        return &kNoSuchName;
    }
    auto it = answers_.find(key);
    if (it != answers_.end()) return &it->second;
    pending_ = dns::Question{key.first, type};
    return nullptr;
}

HostCheck::Flow HostCheck::fail_with(Flow flow, std::string reason) {
    reason_ = std::move(reason);
    return flow;
}

HostCheck::Outcome HostCheck::check_host(const std::string& domain) {
    Outcome out;
    const dns::Answer* txt = lookup(domain, dns::RecordType::txt);
    if (txt == nullptr) return stop(Flow::suspend);
    // RFC 7208 4.4: a DNS failure is "temperror"; NXDOMAIN is "none".
    if (hard_error(*txt)) return stop(fail_with(Flow::temperror, "DNS failure for " + domain));
    const std::string* found = nullptr;
    for (const std::string& t : txt->txt) {
        if (!is_spf_record(t)) continue;
        // RFC 7208 4.5: more than one SPF record is a "permerror".
        if (found != nullptr) return stop(fail_with(Flow::permerror, "several SPF records"));
        found = &t;
    }
    if (found == nullptr) {
        out.result = SpfResult::none;
        reason_ = "no SPF record for " + domain;
        return out;
    }
    auto record = parse_record(*found);
    if (!record) return stop(fail_with(Flow::permerror, record.error().message));
    return evaluate_record(domain, *record);
}

HostCheck::Outcome HostCheck::evaluate_record(const std::string& domain, const Record& record) {
    Outcome out;
    for (const Mechanism& m : record.mechanisms) {
        const Flow f = evaluate(m, domain);
        if (f == Flow::no_match) continue;
        if (f != Flow::match) return stop(f);
        out.flow = Flow::match;
        out.result = from_qualifier(m.qualifier);
        reason_ = std::string(to_string(m.kind)) + " matched in " + domain;
        // RFC 7208 6.2: the explanation comes from the record that failed.
        if (out.result == SpfResult::fail && record.exp) {
            const Flow e = explanation(*record.exp, domain, out.explanation);
            if (e == Flow::suspend) return stop(Flow::suspend);
        }
        return out;
    }
    if (record.redirect) {
        // RFC 7208 6.1: redirect counts as a DNS term; an invalid target or
        // one without a record is a "permerror".
        Flow f = count_term();
        if (f != Flow::no_match) return stop(f);
        std::string target_name;
        f = target(*record.redirect, domain, target_name);
        if (f != Flow::no_match) return stop(f);
        if (!valid_domain(target_name))
            return stop(fail_with(Flow::permerror, "bad redirect target"));
        Outcome inner = check_host(target_name);
        if (inner.flow == Flow::no_match && inner.result == SpfResult::none) {
            return stop(fail_with(Flow::permerror, "redirect target has no SPF record"));
        }
        return inner;
    }
    // RFC 7208 4.7: no match and no redirect is "neutral".
    out.result = SpfResult::neutral;
    reason_ = "no mechanism matched in " + domain;
    return out;
}

HostCheck::Flow HostCheck::count_term() {
    // RFC 7208 4.6.4: at most 10 terms that query DNS, else "permerror".
    if (++terms_ > limits_.dns_terms) return fail_with(Flow::permerror, "too many DNS lookups");
    return Flow::no_match;
}

HostCheck::Flow HostCheck::count_void(const dns::Answer& answer) {
    if (!answer.empty() && answer.rcode == dns::Rcode::noerror) return Flow::no_match;
    // RFC 7208 4.6.4: more than 2 lookups with no answer is a "permerror".
    if (++voids_ > limits_.void_lookups) return fail_with(Flow::permerror, "too many void lookups");
    return Flow::no_match;
}

MacroContext HostCheck::context(const std::string& domain) const {
    MacroContext ctx;
    ctx.sender = sender_;
    ctx.local_part = local_part_;
    ctx.sender_domain = sender_domain_;
    ctx.domain = domain;
    ctx.ip = ip_;
    ctx.helo = input_.helo;
    ctx.receiver = input_.receiver.empty() ? "unknown" : input_.receiver;
    ctx.timestamp = input_.timestamp;
    return ctx;
}

HostCheck::Flow HostCheck::target(const std::string& spec, const std::string& domain,
                                  std::string& out) {
    MacroContext ctx = context(domain);
    if (uses_p_macro(spec)) {
        const Flow f = validated_name(domain, ctx.validated);
        if (f != Flow::no_match) return f;
    }
    auto expanded = expand(spec, ctx, MacroMode::domain_spec);
    if (!expanded) return fail_with(Flow::permerror, expanded.error().message);
    out = truncate_domain(std::move(*expanded));
    return Flow::no_match;
}

HostCheck::Flow HostCheck::evaluate(const Mechanism& m, const std::string& domain) {
    switch (m.kind) {
        case MechanismKind::all:
            return Flow::match;
        case MechanismKind::ip4:
        case MechanismKind::ip6: {
            const int cidr = m.network.is_v4() ? m.cidr4 : m.cidr6;
            return ip_.in_network(m.network, cidr) ? Flow::match : Flow::no_match;
        }
        default:
            break;
    }
    Flow f = count_term();
    if (f != Flow::no_match) return f;
    std::string name = domain;
    if (!m.domain_spec.empty()) {
        f = target(m.domain_spec, domain, name);
        if (f != Flow::no_match) return f;
    }
    switch (m.kind) {
        case MechanismKind::a:
            return match_a(m, name);
        case MechanismKind::mx:
            return match_mx(m, name);
        case MechanismKind::ptr:
            return match_ptr(name);
        case MechanismKind::exists:
            return match_exists(name);
        case MechanismKind::include:
            return match_include(name);
        default:
            return Flow::no_match;
    }
}

HostCheck::Flow HostCheck::match_a(const Mechanism& m, const std::string& target) {
    // RFC 7208 5.3: A records for an IPv4 client, AAAA for IPv6.
    const dns::Answer* a = lookup(target, ip_.is_v4() ? dns::RecordType::a : dns::RecordType::aaaa);
    if (a == nullptr) return Flow::suspend;
    if (hard_error(*a)) return fail_with(Flow::temperror, "DNS failure for " + target);
    const Flow f = count_void(*a);
    if (f != Flow::no_match) return f;
    const int cidr = ip_.is_v4() ? m.cidr4 : m.cidr6;
    for (const auto& addr : a->addresses) {
        if (ip_.in_network(addr, cidr)) return Flow::match;
    }
    return Flow::no_match;
}

HostCheck::Flow HostCheck::match_mx(const Mechanism& m, const std::string& target) {
    const dns::Answer* mx = lookup(target, dns::RecordType::mx);
    if (mx == nullptr) return Flow::suspend;
    if (hard_error(*mx)) return fail_with(Flow::temperror, "DNS failure for " + target);
    Flow f = count_void(*mx);
    if (f != Flow::no_match) return f;
    // RFC 7208 4.6.4: more than 10 MX names is a "permerror".
    if (static_cast<int>(mx->mx.size()) > limits_.mx_names) {
        return fail_with(Flow::permerror, "too many MX records for " + target);
    }
    const auto type = ip_.is_v4() ? dns::RecordType::a : dns::RecordType::aaaa;
    const int cidr = ip_.is_v4() ? m.cidr4 : m.cidr6;
    for (const auto& rec : mx->mx) {
        if (rec.host.empty()) continue;  // RFC 7505 null MX: no host to match
        const dns::Answer* a = lookup(rec.host, type);
        if (a == nullptr) return Flow::suspend;
        // RFC 7208 5: a failed lookup ends the check with "temperror".
        if (hard_error(*a)) return fail_with(Flow::temperror, "DNS failure for " + rec.host);
        for (const auto& addr : a->addresses) {
            if (ip_.in_network(addr, cidr)) return Flow::match;
        }
    }
    return Flow::no_match;
}

HostCheck::Flow HostCheck::addresses_of(const std::string& name, bool& contains_ip, bool& failed) {
    const dns::Answer* a = lookup(name, ip_.is_v4() ? dns::RecordType::a : dns::RecordType::aaaa);
    if (a == nullptr) return Flow::suspend;
    failed = !a->ok();
    contains_ip = std::find(a->addresses.begin(), a->addresses.end(), ip_) != a->addresses.end();
    return Flow::no_match;
}

HostCheck::Flow HostCheck::match_ptr(const std::string& target) {
    const dns::Answer* ptr = lookup(ip_.reverse_name(), dns::RecordType::ptr);
    if (ptr == nullptr) return Flow::suspend;
    // RFC 7208 5.5: a DNS error on the PTR lookup means no match.
    if (hard_error(*ptr)) return Flow::no_match;
    Flow f = count_void(*ptr);
    if (f != Flow::no_match) return f;
    // RFC 7208 4.6.4: only the first 10 PTR names are considered.
    const std::size_t n = std::min<std::size_t>(ptr->names.size(), limits_.ptr_names);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& name = ptr->names[i];
        if (!ends_with_domain(name, target)) continue;
        bool contains = false;
        bool failed = false;
        f = addresses_of(name, contains, failed);
        if (f != Flow::no_match) return f;
        // RFC 7208 5.5: a failed A lookup skips that name.
        if (contains) return Flow::match;
    }
    return Flow::no_match;
}

HostCheck::Flow HostCheck::validated_name(const std::string& domain, std::string& out) {
    // RFC 7208 7.3 "p": a validated name, preferring <domain> itself, then a
    // subdomain of it, then any; "unknown" when there is none.
    out = "unknown";
    const dns::Answer* ptr = lookup(ip_.reverse_name(), dns::RecordType::ptr);
    if (ptr == nullptr) return Flow::suspend;
    if (!ptr->ok()) return Flow::no_match;
    const std::size_t n = std::min<std::size_t>(ptr->names.size(), limits_.ptr_names);
    int best = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& name = ptr->names[i];
        bool contains = false;
        bool failed = false;
        const Flow f = addresses_of(name, contains, failed);
        if (f != Flow::no_match) return f;
        if (!contains) continue;
        const int rank = iequals(name, domain) ? 3 : ends_with_domain(name, domain) ? 2 : 1;
        if (rank > best) {
            best = rank;
            out = name;
        }
    }
    return Flow::no_match;
}

HostCheck::Flow HostCheck::match_exists(const std::string& target) {
    // RFC 7208 5.7: always an A query, whatever the client's family.
    const dns::Answer* a = lookup(target, dns::RecordType::a);
    if (a == nullptr) return Flow::suspend;
    if (hard_error(*a)) return fail_with(Flow::temperror, "DNS failure for " + target);
    const Flow f = count_void(*a);
    if (f != Flow::no_match) return f;
    return a->addresses.empty() ? Flow::no_match : Flow::match;
}

HostCheck::Flow HostCheck::match_include(const std::string& target) {
    // RFC 7208 5.2: pass matches; fail, softfail and neutral do not;
    // temperror propagates; permerror and none are a "permerror".
    if (!valid_domain(target)) return fail_with(Flow::permerror, "bad include target");
    const std::string saved = reason_;
    Outcome inner = check_host(target);
    if (inner.flow == Flow::suspend || inner.flow == Flow::temperror ||
        inner.flow == Flow::permerror) {
        return inner.flow;
    }
    reason_ = saved;
    switch (inner.result) {
        case SpfResult::pass:
            return Flow::match;
        case SpfResult::none:
            return fail_with(Flow::permerror, "include target " + target + " has no SPF record");
        default:
            return Flow::no_match;
    }
}

HostCheck::Flow HostCheck::explanation(const std::string& spec, const std::string& domain,
                                       std::string& out) {
    // RFC 7208 6.2: any failure here just means no explanation; the lookup
    // does not count against the DNS term limit.
    std::string name;
    const std::string saved = reason_;
    Flow f = target(spec, domain, name);
    reason_ = saved;
    if (f == Flow::suspend) return f;
    if (f != Flow::no_match || !valid_domain(name)) return Flow::no_match;
    const dns::Answer* txt = lookup(name, dns::RecordType::txt);
    if (txt == nullptr) return Flow::suspend;
    if (!txt->ok() || txt->txt.size() != 1) return Flow::no_match;
    MacroContext ctx = context(domain);
    if (uses_p_macro(txt->txt[0])) {
        f = validated_name(domain, ctx.validated);
        if (f != Flow::no_match) return f;
    }
    auto text = expand(txt->txt[0], ctx, MacroMode::explanation);
    if (text) out = std::move(*text);
    return Flow::no_match;
}

}  // namespace tern::mailauth::spf::detail

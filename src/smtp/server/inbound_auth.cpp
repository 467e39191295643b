// The checks run one after the other (SPF, then DKIM, then DMARC, which
// needs both); each asks its DNS questions through async_lookup. DKIM's key
// records are independent, so they are asked at once.
#include "smtp/server/inbound_auth.hpp"

#include <map>
#include <random>

#include "base/strings.hpp"
#include "dns/async_lookup.hpp"
#include "mailauth/arc/sealer.hpp"
#include "mailauth/dmarc/from_domain.hpp"
#include "mailauth/results/builder.hpp"
#include "queue/dkim_keys.hpp"

namespace tern::smtp {

namespace spf = mailauth::spf;
namespace dkim = mailauth::dkim;
namespace dmarc = mailauth::dmarc;
namespace arc = mailauth::arc;

namespace {

int random_sample() {
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_int_distribution<int>(0, 99)(rng);
}

net::Task<spf::SpfVerdict> run_spf(const InboundIdentity& who, const InboundAuthSettings& s,
                                   dns::Resolver& resolver) {
    spf::SpfVerdict verdict;
    spf::SpfInput input;
    auto ip = dns::IpAddress::parse(who.client_ip);
    if (!ip) {
        // Only a non-IP transport (never port 25 over TCP) gets here.
        verdict.result = spf::SpfResult::none;
        verdict.reason = "client address is not an IP address";
        co_return verdict;
    }
    input.ip = *ip;
    input.helo = who.helo;
    input.mail_from = who.mail_from;  // RFC 7208 2.4: "" checks postmaster@HELO
    input.receiver = s.receiver;
    input.timestamp = s.now;
    spf::SpfEvaluator evaluator(std::move(input));
    const auto deadline = std::chrono::steady_clock::now() + kSpfTimeLimit;
    for (;;) {
        auto step = evaluator.step();
        if (auto* v = std::get_if<spf::SpfVerdict>(&step)) co_return std::move(*v);
        if (std::chrono::steady_clock::now() > deadline) {
            // RFC 7208 4.6.4: an overall limit on the check, then temperror.
            verdict.result = spf::SpfResult::temperror;
            verdict.reason = "SPF evaluation took too long";
            co_return verdict;
        }
        dns::Question question = std::get<dns::Question>(std::move(step));
        net::Task<dns::Answer> op = dns::async_lookup(resolver, std::move(question));
        dns::Answer answer = co_await std::move(op);
        evaluator.provide(std::move(answer));
    }
}

net::Task<std::vector<dkim::SignatureResult>> run_dkim(const std::string& message,
                                                       const InboundAuthSettings& s,
                                                       dns::Resolver& resolver) {
    dkim::VerifyOptions options;
    options.now = s.now;
    dkim::Verifier verifier(message, options);
    std::vector<dns::Question> questions = verifier.questions();
    if (!questions.empty()) {
        net::Task<std::vector<dns::Answer>> op = dns::async_lookup_all(resolver, questions);
        std::vector<dns::Answer> answers = co_await std::move(op);
        for (std::size_t i = 0; i < questions.size() && i < answers.size(); ++i)
            verifier.provide(questions[i], std::move(answers[i]));
    }
    co_return verifier.results();
}

net::Task<arc::ArcVerdict> run_arc(const std::string& message, dns::Resolver& resolver) {
    arc::ArcVerifier verifier(message);
    std::vector<dns::Question> questions = verifier.questions();
    if (!questions.empty()) {
        net::Task<std::vector<dns::Answer>> op = dns::async_lookup_all(resolver, questions);
        std::vector<dns::Answer> answers = co_await std::move(op);
        for (std::size_t i = 0; i < questions.size() && i < answers.size(); ++i)
            verifier.provide(questions[i], std::move(answers[i]));
    }
    co_return verifier.result();
}

net::Task<dmarc::DmarcVerdict> run_dmarc(dmarc::DmarcInput input,
                                         const dmarc::PublicSuffixList& psl,
                                         dns::Resolver& resolver) {
    dmarc::DmarcEvaluator evaluator(std::move(input), psl);
    for (;;) {
        auto step = evaluator.step();
        if (auto* v = std::get_if<dmarc::DmarcVerdict>(&step)) co_return std::move(*v);
        dns::Question question = std::get<dns::Question>(std::move(step));
        net::Task<dns::Answer> op = dns::async_lookup(resolver, std::move(question));
        dns::Answer answer = co_await std::move(op);
        evaluator.provide(std::move(answer));
    }
}

}  // namespace

InboundAuthSettings inbound_settings(const config::Config& config, std::int64_t now) {
    InboundAuthSettings s;
    const auto& m = config.mailauth;
    s.authserv_id = m.authserv_id.empty() ? config.server.hostname : m.authserv_id;
    s.receiver = config.server.hostname;
    s.spf = m.spf;
    s.dkim = m.dkim_verify;
    s.dmarc = m.dmarc;
    s.enforce = m.dmarc_enforce;
    s.arc = m.arc;
    s.arc_seal = m.arc && m.arc_seal;
    s.iprev = m.iprev;
    s.now = now;
    return s;
}

bool any_check(const InboundAuthSettings& s) {
    return s.spf || s.dkim || s.dmarc || s.arc || s.iprev;
}

std::string_view to_string(InboundAction action) {
    switch (action) {
        case InboundAction::deliver:
            return "deliver";
        case InboundAction::quarantine:
            return "quarantine";
        case InboundAction::reject:
            return "reject";
    }
    return "deliver";
}

InboundAction decide_action(const InboundVerdict& v, bool enforce) {
    // RFC 7489 6.6.2: only a DMARC fail applies the domain's policy; pass,
    // none, temperror and permerror are delivered as usual.
    if (!enforce || !v.dmarc || v.dmarc->result != dmarc::DmarcResult::fail)
        return InboundAction::deliver;
    switch (v.dmarc->disposition) {
        case dmarc::Policy::reject:
            return InboundAction::reject;
        case dmarc::Policy::quarantine:
            return InboundAction::quarantine;
        case dmarc::Policy::none:
            break;
    }
    return InboundAction::deliver;
}

std::string results_field(const InboundVerdict& v, const InboundIdentity& who,
                          const std::string& authserv_id) {
    mailauth::results::AuthResultsBuilder builder(authserv_id);
    if (who.fcrdns) {
        // RFC 8601 2.7.3: first, as the check of the connection itself
        // (most MTAs write it first too); the PTR name as a comment.
        builder.add_iprev(iprev_result(*who.fcrdns), who.client_ip, who.fcrdns_name);
    }
    if (v.spf) {
        // RFC 8601 2.7.2 / RFC 7208 9.1: the identity checked; for the null
        // reverse-path that is the HELO name (RFC 7208 2.4).
        if (who.mail_from.empty())
            builder.add_spf(spf::to_string(v.spf->result), "", who.helo);
        else
            builder.add_spf(spf::to_string(v.spf->result), who.mail_from);
    }
    if (v.dkim) {
        // RFC 8601 2.7.1: one dkim resinfo per signature; "none" if unsigned.
        if (v.dkim->empty()) builder.add(mailauth::results::ResInfo{"dkim", "none", {}, {}});
        for (const auto& r : *v.dkim)
            builder.add_dkim(dkim::to_string(r.result), r.domain, r.selector, r.b_text);
    }
    if (v.arc) {
        // RFC 8617 10.1: arc=<result>, with header.oldest-pass (5.2 step 5)
        // when the chain passed and smtp.remote-ip for the hop it came from.
        // Before dmarc, which keeps ending the field as it always has.
        mailauth::results::ResInfo info{"arc", std::string(arc::to_string(v.arc->result)), {}, {}};
        if (v.arc->result == arc::ChainStatus::pass && v.arc->oldest_pass)
            info.properties.emplace_back("header.oldest-pass", std::to_string(*v.arc->oldest_pass));
        if (v.arc->result != arc::ChainStatus::none && !who.client_ip.empty())
            info.properties.emplace_back("smtp.remote-ip", who.client_ip);
        builder.add(std::move(info));
    }
    if (v.dmarc) {
        builder.add_dmarc(dmarc::to_string(v.dmarc->result), v.dmarc->from_domain);
    } else if (!v.dmarc_error.empty()) {
        builder.add(mailauth::results::ResInfo{"dmarc", "permerror", v.dmarc_error, {}});
    }
    return builder.field();
}

net::Task<InboundVerdict> check_inbound(InboundIdentity who, const std::string& message,
                                        dns::Resolver& resolver, const dmarc::PublicSuffixList& psl,
                                        InboundAuthSettings settings) {
    InboundVerdict v;
    if (!any_check(settings)) co_return v;
    if (!settings.iprev) who.fcrdns.reset();
    if (settings.spf) {
        net::Task<spf::SpfVerdict> op = run_spf(who, settings, resolver);
        spf::SpfVerdict verdict = co_await std::move(op);
        v.spf = std::move(verdict);
    }
    if (settings.dkim) {
        net::Task<std::vector<dkim::SignatureResult>> op = run_dkim(message, settings, resolver);
        std::vector<dkim::SignatureResult> results = co_await std::move(op);
        v.dkim = std::move(results);
    }
    if (settings.dmarc) {
        auto from = dmarc::from_domain(message);
        if (!from) {
            // RFC 7489 6.6.1: no single usable From domain, nothing to
            // evaluate; recorded, not refused.
            v.dmarc_error = from.error().message;
        } else {
            dmarc::DmarcInput input;
            input.from_domain = *from;
            if (v.spf) {
                input.spf_result = v.spf->result;
                input.spf_domain = v.spf->domain;
            }
            if (v.dkim)
                for (const auto& r : *v.dkim)
                    input.dkim.push_back({r.domain, r.result});
            input.sample = settings.sample >= 0 ? settings.sample : random_sample();
            net::Task<dmarc::DmarcVerdict> op = run_dmarc(std::move(input), psl, resolver);
            dmarc::DmarcVerdict verdict = co_await std::move(op);
            v.dmarc = std::move(verdict);
        }
    }
    if (settings.arc) {
        net::Task<arc::ArcVerdict> op = run_arc(message, resolver);
        arc::ArcVerdict verdict = co_await std::move(op);
        v.arc = std::move(verdict);
    }
    v.action = decide_action(v, settings.enforce);
    v.field = results_field(v, who, settings.authserv_id);
    co_return v;
}

Result<std::string> arc_seal_forwarded(const InboundVerdict& v, const std::string& message,
                                       const std::string& domain, const std::string& key_dir,
                                       std::int64_t now) {
    if (!v.arc || v.field.empty()) return fail(Errc::invalid, "ARC validation was not run");
    auto ring = queue::DkimKeyring::load(key_dir);
    auto keys = ring->keys_for(domain);
    if (keys.empty()) return fail(Errc::not_found, "no DKIM key for " + domain);
    // RFC 8617 4.1.2: rsa-sha256 is what every ARC verifier knows; Ed25519
    // (RFC 8463) only when the domain has no RSA key.
    const queue::DkimKeyring::KeyRef* chosen = &keys.front();
    for (const auto& k : keys)
        if (k.key->type() == mailauth::dkim::KeyType::rsa) {
            chosen = &k;
            break;
        }
    arc::SealOptions options;
    options.domain = to_lower(domain);
    options.selector = chosen->selector;
    options.auth_results = v.field;
    options.chain = v.arc->result;
    options.timestamp = now;
    return arc::seal(message, *chosen->key, options);
}

Status junk_targets(store::Store& store, std::vector<delivery::LocalTarget>& targets) {
    std::map<store::AccountId, store::MailboxId> junk;
    for (auto& t : targets) {
        auto known = junk.find(t.account);
        if (known != junk.end()) {
            t.mailbox = known->second;
            continue;
        }
        auto boxes = store.list_mailboxes(t.account);
        if (!boxes) return boxes.failure();
        store::MailboxId id = 0;
        // RFC 6154 2: the role, whatever the user named the folder.
        for (const auto& mb : *boxes)
            if (mb.special_use == "\\Junk") id = mb.id;
        if (id == 0) {
            for (const auto& mb : *boxes)
                if (mb.name == "Junk") id = mb.id;
        }
        if (id == 0) {
            auto created = store.create_mailbox(t.account, "Junk", "\\Junk");
            if (!created) return created.failure();
            id = created->id;
        }
        junk[t.account] = id;
        t.mailbox = id;
    }
    // deliver_local stores once per mailbox; several targets of one account
    // (INBOX and a plus-address folder) now share its Junk.
    return {};
}

}  // namespace tern::smtp

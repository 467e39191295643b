// Inbound mail authentication: SPF, DKIM and DMARC on a message received on
// the MX listener (port 25, never submission), the Authentication-Results
// field that records them, and what DMARC asks the session to do.
//
// check_inbound() runs the three checks with the pure state machines of
// mailauth/ (spf::SpfEvaluator, dkim::Verifier, dmarc::DmarcEvaluator) and
// answers their DNS questions through any dns::Resolver with
// dns::async_lookup, so the event loop never blocks (DESIGN.md rule 2) and
// the coroutine resumes on its own thread even with the shared
// dns::ResolverThread. It never fails: DNS trouble becomes temperror.
//   - SPF (RFC 7208): the MAIL FROM identity, or postmaster@HELO for the
//     null reverse-path (RFC 7208 2.4), with the client's IP; the 10-lookup
//     and 2-void-lookup limits are the evaluator's (RFC 7208 4.6.4), and the
//     whole check gets at most kSpfTimeLimit (RFC 7208 4.6.4: "at least 20
//     seconds"), then temperror.
//   - DKIM (RFC 6376 6): every signature, its key lookups asked at once.
//   - DMARC (RFC 7489 6.6): the single RFC5322.From domain (a message with
//     none, several or an unusable one gets dmarc=permerror and no policy),
//     the SPF result for the domain SPF checked, the DKIM results, pct.
//   - ARC (RFC 8617 5.2): the chain validated (mailauth/arc/verifier.hpp),
//     its key lookups asked at once; recorded as arc=none|pass|fail with
//     header.oldest-pass on a pass (RFC 8617 10.1 registers both). It only
//     informs: the action never depends on it.
//   - iprev (RFC 8601 2.7.3): not checked here but at connect (dnsbl.hpp,
//     forward-confirmed reverse DNS); the session passes the outcome in
//     InboundIdentity and it is recorded first in the field, as
//     iprev=pass|fail|temperror|permerror policy.iprev=<client IP>
//     (<PTR name>). It only informs: the action never depends on it.
// Disabled checks (config [mailauth]) are skipped and left out of the field.
//
// arc_seal_forwarded() (blocking: reads key files; run it on the worker
// pool) makes the ARC set for the copy of a message forwarded to external
// alias targets (RFC 8617 5.1), signed with the DKIM key of the alias's
// domain: the AAR copies this hop's Authentication-Results field, cv= comes
// from the validation. Errors (Errc::not_found: the domain has no key;
// Errc::invalid: ARC validation was off, the chain already failed, ...)
// mean the copy leaves unsealed.
//
// The action (RFC 7489 6.6.2, 7489 10.1 on what "reject" means in SMTP):
// reject when DMARC failed and the disposition (pct applied) is reject,
// quarantine when it is quarantine, deliver otherwise; never anything but
// deliver when settings.enforce is false, and never for temperror (the
// sender's DNS failing must not lose mail).
//
// junk_targets() (blocking: run it on the worker pool) points every local
// target at its account's \Junk mailbox (RFC 6154), creating a "Junk"
// folder with that role when the account has none.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "delivery/router.hpp"
#include "dns/resolver.hpp"
#include "mailauth/arc/verifier.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "mailauth/dmarc/evaluator.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "mailauth/spf/evaluator.hpp"
#include "net/task.hpp"
#include "smtp/server/dnsbl.hpp"
#include "store/store.hpp"

namespace tern::smtp {

inline constexpr std::chrono::seconds kSpfTimeLimit{20};

struct InboundAuthSettings {
    std::string authserv_id;  // RFC 8601 2.5
    std::string receiver;     // our host name (SPF %{r})
    bool spf = true;
    bool dkim = true;
    bool dmarc = true;
    bool enforce = true;
    bool arc = true;       // RFC 8617 5.2 validation, arc= recorded
    bool arc_seal = true;  // RFC 8617 5.1 sealing of forwarded copies (needs arc)
    bool iprev = true;     // RFC 8601 2.7.3 iprev= recorded (checked at connect)
    std::int64_t now = 0;  // Unix seconds, for DKIM t= and x=
    int sample = -1;       // DMARC pct sample in [0, 100); -1: random
};

// From config [mailauth] (authserv_id defaults to server.hostname).
InboundAuthSettings inbound_settings(const config::Config& config, std::int64_t now);
bool any_check(const InboundAuthSettings& settings);

// What the SMTP session knows about the sender.
struct InboundIdentity {
    std::string client_ip;
    std::string helo;
    std::string mail_from;  // the reverse-path without <>; "" for <>
    // Forward-confirmed reverse DNS at connect; unset: not checked.
    std::optional<Fcrdns> fcrdns = {};
    std::string fcrdns_name = {};  // the PTR name it concerns, if any
};

enum class InboundAction { deliver, quarantine, reject };
std::string_view to_string(InboundAction action);

struct InboundVerdict {
    std::optional<mailauth::spf::SpfVerdict> spf;                      // when checked
    std::optional<std::vector<mailauth::dkim::SignatureResult>> dkim;  // when checked
    std::optional<mailauth::dmarc::DmarcVerdict> dmarc;                // when evaluated
    std::optional<mailauth::arc::ArcVerdict> arc;                      // when checked
    std::string dmarc_error;  // why DMARC could not be evaluated (permerror)
    InboundAction action = InboundAction::deliver;
    std::string field;  // "Authentication-Results: ...\r\n"; empty if nothing was checked
};

// `message` must stay alive and unchanged until the task completes.
net::Task<InboundVerdict> check_inbound(InboundIdentity who, const std::string& message,
                                        dns::Resolver& resolver,
                                        const mailauth::dmarc::PublicSuffixList& psl,
                                        InboundAuthSettings settings);

// The pure halves of check_inbound, for tests.
InboundAction decide_action(const InboundVerdict& verdict, bool enforce);
std::string results_field(const InboundVerdict& verdict, const InboundIdentity& who,
                          const std::string& authserv_id);

// The ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results
// fields to prepend to `message` (the forwarded copy, our trace fields
// included), signed for `domain` with a key from `key_dir` (<data_dir>/dkim).
Result<std::string> arc_seal_forwarded(const InboundVerdict& verdict, const std::string& message,
                                       const std::string& domain, const std::string& key_dir,
                                       std::int64_t now);

// Errors: the store's.
Status junk_targets(store::Store& store, std::vector<delivery::LocalTarget>& targets);

}  // namespace tern::smtp

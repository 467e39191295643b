#include "app/protocols.hpp"

#include "imap/server/imap_server.hpp"
#include "pop3/server/pop3_server.hpp"
#include "smtp/server/smtp_server.hpp"

namespace tern::app {

Result<net::ListenerSpec> make_listener(const config::Listener& l, Services& services) {
    net::ListenerSpec spec;
    spec.name = std::string(config::to_string(l.protocol));
    if (l.protocol == config::Protocol::submission && l.tls == config::TlsMode::implicit)
        spec.name = "submissions";
    spec.address = l.address;
    spec.port = l.port;
    spec.implicit_tls = l.tls == config::TlsMode::implicit;
    auto cfg = services.config.get();
    switch (l.protocol) {
        case config::Protocol::smtp:
        case config::Protocol::submission: {
            smtp::ListenerOptions opts;
            opts.submission = l.protocol == config::Protocol::submission;
            opts.starttls_offered = l.tls == config::TlsMode::starttls;
            spec.idle_timeout = std::chrono::seconds(cfg->smtp.idle_timeout_seconds);
            smtp::SessionDeps deps{services.config,   services.store,     services.auth,
                                   services.blocking, services.send_rate, services.queue_wakeup,
                                   services.resolver, services.psl};
            spec.handler = [deps, opts](net::Connection& c) {
                return smtp::run_session(c, deps, opts);
            };
            spec.refusal = smtp::refusal_reply;
            return spec;
        }
        case config::Protocol::imap: {
            if (l.tls == config::TlsMode::implicit) spec.name = "imaps";
            imap::ImapListenerOptions opts;
            opts.starttls_offered = l.tls == config::TlsMode::starttls;
            spec.idle_timeout = std::chrono::seconds(cfg->imap.idle_timeout_seconds);
            imap::ImapDeps deps{services.config, services.store, services.auth, services.blocking};
            spec.handler = [deps, opts](net::Connection& c) {
                return imap::run_session(c, deps, opts);
            };
            spec.refusal = imap::refusal_reply;
            return spec;
        }
        case config::Protocol::pop3: {
            if (l.tls == config::TlsMode::implicit) spec.name = "pop3s";
            pop3::Pop3ListenerOptions opts;
            opts.stls_offered = l.tls == config::TlsMode::starttls;
            opts.delete_retrieved = cfg->pop3.delete_retrieved;
            spec.idle_timeout = std::chrono::seconds(cfg->pop3.idle_timeout_seconds);
            pop3::Pop3Deps deps{services.config, services.store, services.auth, services.blocking,
                                services.pop3_locks};
            spec.handler = [deps, opts](net::Connection& c) {
                return pop3::run_session(c, deps, opts);
            };
            spec.refusal = pop3::refusal_reply;
            return spec;
        }
    }
    return fail(Errc::invalid, "unknown protocol");
}

}  // namespace tern::app

#include "imap/server/session.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {
// Bad commands a session may send before it is closed: a real client makes
// few mistakes; a scanner or a confused peer is cut off.
constexpr unsigned kMaxErrors = 20;
constexpr std::size_t kReadChunk = 4096;
}  // namespace

// The command table (STYLE.md 4): command, handler, the states that allow it
// (RFC 9051 6.1-6.4), and whether untagged EXPUNGE must wait until a later
// command (RFC 3501 7.4.1: not during FETCH, STORE or SEARCH; their UID forms
// may carry them, RFC 9051 7.5.1).
const Session::CommandSpec* Session::find_command(CommandName name) {
    constexpr unsigned kAny = kNotAuth | kAuth | kSelected;
    constexpr unsigned kIn = kAuth | kSelected;
    static const CommandSpec table[] = {
        {CommandName::capability, &Session::cmd_capability, kAny, false},
        {CommandName::noop, &Session::cmd_noop, kAny, false},
        {CommandName::logout, &Session::cmd_logout, kAny, false},
        {CommandName::id, &Session::cmd_id, kAny, false},
        {CommandName::starttls, &Session::cmd_starttls, kNotAuth, false},
        {CommandName::login, &Session::cmd_login, kNotAuth, false},
        {CommandName::authenticate, &Session::cmd_authenticate, kNotAuth, false},
        {CommandName::enable, &Session::cmd_enable, kAuth, false},  // RFC 5161 3.1
        {CommandName::select, &Session::cmd_select, kIn, false},
        {CommandName::examine, &Session::cmd_select, kIn, false},
        {CommandName::create, &Session::cmd_create, kIn, false},
        {CommandName::delete_mailbox, &Session::cmd_delete, kIn, false},
        {CommandName::rename, &Session::cmd_rename, kIn, false},
        {CommandName::subscribe, &Session::cmd_subscribe, kIn, false},
        {CommandName::unsubscribe, &Session::cmd_subscribe, kIn, false},
        {CommandName::list, &Session::cmd_list, kIn, false},
        {CommandName::lsub, &Session::cmd_list, kIn, false},
        {CommandName::namespace_, &Session::cmd_namespace, kIn, false},
        {CommandName::status, &Session::cmd_status, kIn, false},
        {CommandName::append, &Session::cmd_append, kIn, false},
        {CommandName::idle, &Session::cmd_idle, kIn, false},
        {CommandName::compress, &Session::cmd_compress, kIn, false},  // RFC 4978 3
        {CommandName::check, &Session::cmd_check, kSelected, false},
        {CommandName::close, &Session::cmd_close, kSelected, false},
        {CommandName::unselect, &Session::cmd_unselect, kSelected, false},
        {CommandName::expunge, &Session::cmd_expunge, kSelected, false},
        {CommandName::search, &Session::cmd_search, kSelected, true},
        // RFC 5256 3, 4: SORT and THREAD are searches, so EXPUNGE waits too.
        {CommandName::sort, &Session::cmd_sort, kSelected, true},
        {CommandName::thread, &Session::cmd_thread, kSelected, true},
        {CommandName::fetch, &Session::cmd_fetch, kSelected, true},
        {CommandName::store, &Session::cmd_store, kSelected, true},
        {CommandName::copy, &Session::cmd_copy, kSelected, false},
        {CommandName::move, &Session::cmd_copy, kSelected, false},
        {CommandName::getquota, &Session::cmd_getquota, kIn, false},  // RFC 9208 4.1
        {CommandName::getquotaroot, &Session::cmd_getquotaroot, kIn, false},
        {CommandName::setquota, &Session::cmd_setquota, kIn, false},
    };
    for (const auto& spec : table)
        if (spec.name == name) return &spec;
    return nullptr;
}

Session::Session(net::Connection& connection, ImapDeps deps, ImapListenerOptions options)
    : conn_(connection),
      stream_(&connection.stream),
      deps_(deps),
      options_(options),
      config_(deps.config.get()),
      reader_(std::make_unique<CommandReader>(reader_limits(*config_))) {}

net::Task<bool> Session::flush() {
    if (out_.empty()) co_return true;
    // out_ stays alive and untouched while the write is under way (one
    // coroutine per session).
    const net::IoStatus st = co_await stream().write_all(out_);
    out_.clear();
    if (out_.capacity() > (64u << 10)) out_.shrink_to_fit();  // after a big FETCH
    co_return st == net::IoStatus::ok;
}

bool Session::plaintext_login_allowed() const {
    return stream().tls_active() || config_->auth.allow_plaintext_without_tls;
}

void Session::end(std::string_view reason) {
    subscription_.reset();
    auto line = log::info("imap.disconnect");
    line.kv("sid", conn_.session_id)
        .kv("reason", reason)
        .kv("user", account_ ? account_->address : "");
    if (deflate_) {
        line.kv("deflate_in", deflate_->bytes_in_compressed())
            .kv("plain_in", deflate_->bytes_in_plain())
            .kv("deflate_out", deflate_->bytes_out_compressed())
            .kv("plain_out", deflate_->bytes_out_plain());
        if (!deflate_->error().empty()) line.kv("deflate_error", deflate_->error());
    }
}

net::Task<void> Session::run_job(const std::function<void()>& job) {
    co_await deps_.blocking.run(job);
}

net::Task<Session::Item> Session::next_item(bool interruptible, bool wakeable) {
    for (;;) {
        if (auto item = reader_->next()) co_return Item(std::move(*item));
        if (reader_->closed()) co_return Item(net::IoStatus::error);
        // RFC 9051 7.5: a synchronizing literal waits for "+" from us.
        if (reader_->take_continuation()) reply(continuation("Ready for literal data"));
        if (!co_await flush()) co_return Item(net::IoStatus::error);
        in_buf_.resize(kReadChunk);
        std::size_t n = 0;
        // Only a wait between commands may be cut short by a shutdown.
        const bool between = interruptible && reader_->buffered() == 0;
        const net::IoStatus st =
            co_await stream().read_some(in_buf_.data(), in_buf_.size(), n, between);
        // A wake-up is for IDLE (cmd_idle.cpp); elsewhere it was late: read on.
        if (st == net::IoStatus::woken && !wakeable) continue;
        if (st != net::IoStatus::ok) co_return Item(st);
        reader_->feed(std::string_view(in_buf_.data(), n));
    }
}

void Session::store_failed(const Command& c, const Error& e) {
    log::warn("imap.store_error")
        .kv("sid", conn_.session_id)
        .kv("command", to_string(c.name))
        .kv("error", e.message);
    no(c, "internal server error, try again later", ResponseCode{"SERVERBUG", ""});
}

net::Task<void> Session::run() {
    const auto& cfg = *config_;
    stream().set_timeout(std::chrono::seconds(cfg.imap.idle_timeout_seconds));
    log::info("imap.connect")
        .kv("sid", conn_.session_id)
        .kv("ip", conn_.remote_ip)
        .kv("listener", conn_.listener)
        .kv("tls", stream().tls_active());
    // RFC 9051 7.1.1: the greeting, with the capabilities so clients need not ask.
    reply(untagged_status(Condition::ok, "Tern ready", ResponseCode{"CAPABILITY", capabilities()}));

    while (state_ != State::logout) {
        Item item = co_await next_item(true);
        if (const auto* st = std::get_if<net::IoStatus>(&item)) {
            if (*st == net::IoStatus::shutdown) {
                reply(untagged_status(Condition::bye, "server shutting down"));
                co_await flush();
            } else if (*st == net::IoStatus::timeout) {
                // RFC 9051 5.4: the autologout timer; BYE before closing.
                reply(untagged_status(Condition::bye, "autologout: idle for too long"));
                co_await flush();
            }
            end(net::to_string(*st));
            co_return;
        }
        auto& ri = std::get<ReaderItem>(item);
        if (const auto* err = std::get_if<ReadError>(&ri)) {
            ++errors_;
            reply(read_error_reply(*err));
            if (err->close_connection) {
                co_await flush();
                end("limit");
                co_return;
            }
            continue;
        }
        const auto& raw = std::get<RawCommand>(ri);
        // RFC 9051 5.1 / RFC 6855 3: after ENABLE IMAP4rev2 or UTF8=ACCEPT
        // names and quoted strings are UTF-8.
        ParseOptions parse_options;
        parse_options.utf8 = utf8_names();
        auto cmd = parse_command(raw.text, parse_options);
        if (!cmd) {
            ++errors_;
            const auto tag = tag_of(raw.text);
            reply(tag ? tagged(*tag, Condition::bad, cmd.error().message)
                      : untagged_status(Condition::bad, cmd.error().message));
        } else {
            const CommandSpec* spec = find_command(cmd->name);
            const unsigned mask = state_ == State::not_authenticated ? kNotAuth
                                  : state_ == State::authenticated   ? kAuth
                                                                     : kSelected;
            if (!spec) {
                bad(*cmd, std::string(to_string(cmd->name)) + " is not supported");
            } else if (!(spec->states & mask)) {
                bad(*cmd, std::string(to_string(cmd->name)) + " is not valid in this state");
            } else if (auto why = utf8_refusal(*cmd)) {
                bad(*cmd, *why);
            } else {
                const std::size_t before = out_.size();
                co_await (this->*(spec->handler))(*cmd);
                if (state_ == State::selected && changed_->load()) {
                    // Updates go before the tagged reply, which is the last
                    // line this command queued.
                    std::string updates;
                    co_await sync_into(updates, !(spec->no_expunge_news && !cmd->uid));
                    const std::size_t at = last_line_start(out_, std::min(before, out_.size()));
                    out_.insert(at, updates);
                }
            }
        }
        if (errors_ >= kMaxErrors) {
            reply(untagged_status(Condition::bye, "too many errors"));
            co_await flush();
            log::warn("imap.too_many_errors").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
            end("errors");
            co_return;
        }
    }
    co_await flush();
    end("logout");
}

net::Task<void> Session::sync_into(std::string& into, bool allow_expunge) {
    if (!selected_) co_return;
    changed_->store(false);
    Result<std::vector<store::Message>> fresh = fail(Errc::internal, "not loaded");
    const store::MailboxId id = selected_->id;
    std::function<void()> job = [&] { fresh = deps_.store.list_messages(id); };
    co_await run_job(job);
    if (!fresh) {
        log::warn("imap.sync_failed")
            .kv("sid", conn_.session_id)
            .kv("error", fresh.error().message);
        co_return;
    }
    const MapUpdates up = map_.reconcile(std::move(*fresh), allow_expunge);
    if (qresync_) {
        // RFC 7162 3.2.10: once QRESYNC is enabled, VANISHED replaces EXPUNGE.
        if (!up.expunged_uids.empty())
            into += "* VANISHED " + uid_set_text(up.expunged_uids) + "\r\n";
    } else {
        for (auto seq : up.expunged)
            into += "* " + std::to_string(seq) + " EXPUNGE\r\n";
    }
    if (up.exists) into += "* " + std::to_string(*up.exists) + " EXISTS\r\n";
    for (auto seq : up.changed)
        into += flags_update(seq, map_.at(seq));
    // Vanished messages not yet announced: look again at the next chance.
    if (!allow_expunge && map_.has_vanished()) changed_->store(true);
}

std::vector<std::uint32_t> Session::resolve(const SequenceSet& set, bool uid) const {
    return set.saved ? map_.resolve_uids(saved_uids_) : map_.resolve(set, uid);
}

std::string Session::flags_update(std::uint32_t seq, const store::Message& m) const {
    return fetch_flags_line(seq, m, condstore_);
}

std::uint64_t Session::append_limit() const {
    // RFC 7889 2: the limit is what the literal reader enforces, so a client
    // that respects it never meets [TOOBIG].
    return reader_limits(*config_).max_literal_size;
}

net::Task<void> run_session(net::Connection& connection, ImapDeps deps,
                            ImapListenerOptions options) {
    Session session(connection, deps, options);
    co_await session.run();
}

std::string refusal_reply(net::Refusal refusal) {
    return untagged_status(Condition::bye, refusal == net::Refusal::too_many_from_ip
                                               ? "too many connections from your address"
                                               : "too many connections, try again later");
}

}  // namespace tern::imap

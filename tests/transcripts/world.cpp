#include "tests/transcripts/world.hpp"

#include <algorithm>

#include "accounts/password.hpp"

namespace tern::testing {
namespace {

constexpr accounts::Argon2Params kCheapArgon2{1024, 1, 1};

Failure bad(const Directive& d, std::string_view what) {
    return fail(Errc::invalid,
                "line " + std::to_string(d.line) + ": @" + d.name + ": " + std::string(what));
}

Status need_args(const Directive& d, std::size_t n) {
    if (d.args.size() < n) return bad(d, "needs at least " + std::to_string(n) + " arguments");
    return {};
}

Result<uint64_t> to_number(const Directive& d, const std::string& text) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return bad(d, "`" + text + "` is not a number");
    return std::stoull(text);
}

}  // namespace

World::World() {
    config_["server"]["hostname"] = "\"mx.tern.test\"";
    config_["server"]["data_dir"] = "\"" + dir_.file("data") + "\"";
    config_["smtp"]["greeting_delay_ms"] = "0";
    config_["auth"]["argon2_memory_kib"] = "1024";
    config_["auth"]["argon2_iterations"] = "1";
}

World::~World() {
    if (store_) store_->close();
}

Status World::open() {
    store::SqliteOptions so;
    so.path = dir_.file("tern.db");
    auto s = store::open_sqlite(so);
    if (!s) return s.failure();
    store_ = std::move(*s);
    accounts::AuthenticatorOptions ao;
    ao.argon2 = kCheapArgon2;
    auth_ = std::make_unique<accounts::Authenticator>(*store_, ao);
    return {};
}

bool World::is_setup(const Directive& d) {
    static const char* names[] = {"domain",  "user",  "alias",    "mailbox",
                                  "message", "quota", "disabled", "config"};
    return std::any_of(std::begin(names), std::end(names),
                       [&](const char* n) { return d.name == n; });
}

bool World::is_check(const Directive& d) {
    return d.name.starts_with("expect-") && d.name != "expect-closed";
}

Status World::apply(const Directive& d) {
    Status st;
    if (d.name == "domain") {
        if (auto s = need_args(d, 1); !s) return s;
        st = store_->add_domain(d.args[0]);
    } else if (d.name == "user") {
        if (auto s = need_args(d, 2); !s) return s;
        auto hash = accounts::hash_password(d.args[1], kCheapArgon2);
        if (!hash) return bad(d, hash.error().message);
        auto acct = store_->add_account(d.args[0], *hash, 0);
        if (!acct) st = acct.failure();
    } else if (d.name == "alias") {
        if (auto s = need_args(d, 2); !s) return s;
        st = store_->add_alias(d.args[0], {d.args.begin() + 1, d.args.end()});
    } else if (d.name == "mailbox") {
        if (auto s = need_args(d, 2); !s) return s;
        auto acct = store_->find_account(d.args[0]);
        if (!acct) return bad(d, acct.error().message);
        auto mb = store_->create_mailbox(acct->id, d.args[1], "");
        if (!mb) st = mb.failure();
    } else if (d.name == "message") {
        if (auto s = need_args(d, 3); !s) return s;
        auto acct = store_->find_account(d.args[0]);
        if (!acct) return bad(d, acct.error().message);
        auto mb = store_->find_mailbox(acct->id, d.args[1]);
        if (!mb) return bad(d, mb.error().message);
        auto text = directive_tail(d, 2);
        if (!text) return bad(d, text.error().message);
        store::NewMessage m;
        m.raw = std::move(*text);
        m.internal_date = 1700000000;
        m.targets.push_back({mb->id, {}});
        auto r = store_->append(m);
        if (!r) st = r.failure();
    } else if (d.name == "quota") {
        if (auto s = need_args(d, 2); !s) return s;
        auto n = to_number(d, d.args[1]);
        if (!n) return n.failure();
        st = store_->set_quota(d.args[0], *n);
    } else if (d.name == "disabled") {
        if (auto s = need_args(d, 1); !s) return s;
        st = store_->set_disabled(d.args[0], true);
    } else if (d.name == "config") {
        if (auto s = need_args(d, 1); !s) return s;
        auto dot = d.args[0].find('.');
        auto eq = d.args[0].find('=');
        if (dot == std::string::npos || eq == std::string::npos || eq < dot)
            return bad(d, "expected section.key=value");
        std::string tail = *directive_tail(d, 0);
        eq = tail.find('=');
        config_[tail.substr(0, dot)][tail.substr(dot + 1, eq - dot - 1)] = tail.substr(eq + 1);
    } else {
        return bad(d, "unknown directive");
    }
    if (!st) return bad(d, st.error().message);
    return {};
}

Result<std::shared_ptr<const config::Config>> World::config() const {
    std::string toml;
    for (const auto& [section, keys] : config_) {
        toml += "[" + section + "]\n";
        for (const auto& [key, value] : keys)
            toml += key + " = " + value + "\n";
    }
    auto c = config::parse_config(toml, "@config");
    if (!c) return c.failure();
    return std::make_shared<const config::Config>(std::move(*c));
}

Result<std::vector<std::string>> World::messages(const std::string& address,
                                                 const std::string& mailbox) {
    auto acct = store_->find_account(address);
    if (!acct) return fail(Errc::invalid, address + ": " + acct.error().message);
    auto mb = store_->find_mailbox(acct->id, mailbox);
    if (!mb) return fail(Errc::invalid, address + " " + mailbox + ": " + mb.error().message);
    auto list = store_->list_messages(mb->id);
    if (!list) return list.failure();
    std::vector<std::string> out;
    for (const auto& m : *list) {
        auto raw = store_->read_blob(m.blob);
        if (!raw) return raw.failure();
        out.push_back(std::move(*raw));
    }
    return out;
}

Result<store::Message> World::newest(const std::string& address, const std::string& mailbox) {
    auto acct = store_->find_account(address);
    if (!acct) return fail(Errc::invalid, address + ": " + acct.error().message);
    auto mb = store_->find_mailbox(acct->id, mailbox);
    if (!mb) return fail(Errc::invalid, address + " " + mailbox + ": " + mb.error().message);
    auto list = store_->list_messages(mb->id);
    if (!list) return list.failure();
    if (list->empty()) return fail(Errc::invalid, address + " " + mailbox + " is empty");
    return list->back();
}

Status World::check(const Directive& d) {
    if (d.name == "expect-shared") {
        if (auto s = need_args(d, 4); !s) return s;
        auto a = newest(d.args[0], d.args[1]);
        if (!a) return bad(d, a.error().message);
        auto b = newest(d.args[2], d.args[3]);
        if (!b) return bad(d, b.error().message);
        if (a->blob != b->blob) return bad(d, "the two messages are stored as different blobs");
        return {};
    }
    if (auto s = need_args(d, 3); !s) return s;
    auto msgs = messages(d.args[0], d.args[1]);
    if (!msgs) return bad(d, msgs.error().message);
    auto listing = [&] {
        std::string out;
        for (const auto& m : *msgs)
            out += "\n---- stored message ----\n" + show_bytes(m);
        return out;
    };
    if (d.name == "expect-count") {
        auto n = to_number(d, d.args[2]);
        if (!n) return n.failure();
        if (msgs->size() != *n)
            return bad(d, "expected " + std::to_string(*n) + " messages, found " +
                              std::to_string(msgs->size()) + listing());
        return {};
    }
    auto text = directive_tail(d, 2);
    if (!text) return bad(d, text.error().message);
    auto contains = [&](const std::string& m) { return m.find(*text) != std::string::npos; };
    auto ends = [&](const std::string& m) { return m.ends_with(*text); };
    if (d.name == "expect-stored") {
        if (std::none_of(msgs->begin(), msgs->end(), contains))
            return bad(d, "no stored message contains `" + show_bytes(*text) + "`" + listing());
    } else if (d.name == "expect-not-stored") {
        if (std::any_of(msgs->begin(), msgs->end(), contains))
            return bad(d, "a stored message contains `" + show_bytes(*text) + "`" + listing());
    } else if (d.name == "expect-stored-end") {
        if (std::none_of(msgs->begin(), msgs->end(), ends))
            return bad(d, "no stored message ends with `" + show_bytes(*text) + "`" + listing());
    } else {
        return bad(d, "unknown check");
    }
    return {};
}

}  // namespace tern::testing

// LIST and LSUB (RFC 9051 6.3.9, RFC 3501 6.3.8/6.3.9) with LIST-EXTENDED
// selection and return options (RFC 5258), CHILDREN attributes (RFC 3348,
// part of RFC 5258 4), SPECIAL-USE attributes (RFC 6154 2, 5) and
// LIST-STATUS (RFC 5819).
#include <algorithm>
#include <map>

#include "base/log.hpp"
#include "imap/server/list_match.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {

struct Entry {
    const store::Mailbox* box = nullptr;  // null: a superior name that does not exist
    bool has_children = false;
};

}  // namespace

net::Task<void> Session::cmd_list(const Command& c) {
    const auto& args = std::get<ListArgs>(c.args);
    const bool lsub = c.name == CommandName::lsub;
    const char* verb = lsub ? "LSUB " : "LIST ";
    // RFC 9051 6.3.9: an empty pattern asks for the delimiter and root.
    if (!args.extended && args.patterns.size() == 1 && args.patterns[0].empty()) {
        reply(untagged(std::string(verb) + "(\\Noselect) \"/\" \"\""));
        ok(c, std::string(verb) + "completed");
        co_return;
    }
    Result<std::vector<store::Mailbox>> boxes = fail(Errc::internal, "not run");
    const store::AccountId account = account_->id;
    std::function<void()> job = [&] { boxes = deps_.store.list_mailboxes(account); };
    co_await run_job(job);
    if (!boxes) {
        store_failed(c, boxes.error());
        co_return;
    }
    // Every name and every superior of a name, with whether it has children.
    std::map<std::string, Entry> all;
    for (const auto& b : *boxes) {
        all[b.name].box = &b;
        for (std::size_t pos = b.name.find(kDelimiter); pos != std::string::npos;
             pos = b.name.find(kDelimiter, pos + 1))
            all[b.name.substr(0, pos)].has_children = true;
    }
    std::vector<std::string> patterns;
    for (const auto& p : args.patterns)
        patterns.push_back(list_canonical_pattern(args.reference, p));
    const bool subscribed_only = lsub || args.select_subscribed;
    const bool show_subscribed = !lsub && (args.return_subscribed || args.select_subscribed);

    std::vector<std::pair<std::string, const store::Mailbox*>> status_for;
    auto emit = [&](const std::string& name, const Entry& e) {
        std::vector<std::string> attrs;
        if (!e.box) {
            // RFC 5258 3: \NonExistent implies \Noselect; plain LIST says \Noselect.
            attrs.push_back(args.extended ? "\\NonExistent" : "\\Noselect");
        }
        if (!lsub) attrs.push_back(e.has_children ? "\\HasChildren" : "\\HasNoChildren");
        if (show_subscribed && e.box && e.box->subscribed) attrs.push_back("\\Subscribed");
        // RFC 6154 2: special-use attributes appear in LIST responses.
        if (!lsub && e.box && !e.box->special_use.empty()) attrs.push_back(e.box->special_use);
        std::string line = verb;
        line += flag_list(attrs);
        line += " \"/\" ";
        append_mailbox(line, name, utf8_names());
        reply(untagged(line));
        if (args.return_status && e.box) status_for.emplace_back(name, e.box);
    };

    // INBOX first: clients expect it at the top.
    std::vector<std::string> names;
    for (const auto& [name, e] : all)
        names.push_back(name);
    std::stable_partition(names.begin(), names.end(),
                          [](const std::string& n) { return n == "INBOX"; });
    for (const auto& name : names) {
        const Entry& e = all[name];
        if (subscribed_only && !(e.box && e.box->subscribed)) continue;
        if (args.select_special_use && !(e.box && !e.box->special_use.empty())) continue;
        // Non-existent superiors are listed only when a pattern reaches them
        // with "%" and a child exists (RFC 9051 6.3.9, RFC 5258 3).
        if (!e.box && (subscribed_only || args.select_special_use)) continue;
        bool matched = false;
        for (const auto& p : patterns)
            if (list_match(p, name)) matched = true;
        if (matched) emit(name, e);
    }
    if (!status_for.empty()) {
        // RFC 5819 2: a STATUS response follows each selectable mailbox.
        std::vector<std::string> lines(status_for.size());
        std::function<void()> status_job = [&] {
            for (std::size_t i = 0; i < status_for.size(); ++i) {
                auto items = status_items(*status_for[i].second, *args.return_status);
                if (!items) continue;
                std::string line = "STATUS ";
                append_mailbox(line, status_for[i].first, utf8_names());
                lines[i] = untagged(line + " (" + *items + ")");
            }
        };
        co_await run_job(status_job);
        // Put each STATUS right after its LIST line would need a second
        // pass; RFC 5819 2 allows them in any order after the LIST.
        for (const auto& l : lines)
            reply(l);
    }
    ok(c, std::string(verb) + "completed");
}

}  // namespace tern::imap

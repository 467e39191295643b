// `tern mail list|show`: read-only views of stored mail for operators (and
// for tests that check what was stored, byte for byte).
#include <iostream>

#include "cli/admin.hpp"

namespace tern::cli::detail {
namespace {

struct Opened {
    std::unique_ptr<store::Store> store;
    store::Mailbox mailbox;
};

std::optional<Opened> open_mailbox(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return std::nullopt;
    auto account = store->find_account(args.address);
    if (!account) {
        failed("no account " + args.address, "See `tern user list`");
        return std::nullopt;
    }
    auto mailbox = store->find_mailbox(account->id, args.mailbox);
    if (!mailbox) {
        failed("account " + account->address + " has no mailbox " + args.mailbox,
               "Mailbox names are case-sensitive except INBOX");
        return std::nullopt;
    }
    return Opened{std::move(store), *mailbox};
}

}  // namespace

int mail_list(const config::Config& config, const Args& args) {
    auto opened = open_mailbox(config, args);
    if (!opened) return 1;
    auto messages = opened->store->list_messages(opened->mailbox.id);
    if (!messages) return failed("cannot list messages: " + messages.error().message, kStoreTodo);
    for (const auto& m : *messages) {
        std::cout << m.uid << " " << m.size;
        for (const auto& f : m.flags)
            std::cout << " " << f;
        std::cout << "\n";
    }
    return 0;
}

int mail_show(const config::Config& config, const Args& args) {
    auto opened = open_mailbox(config, args);
    if (!opened) return 1;
    auto message = opened->store->get_message(opened->mailbox.id, args.uid);
    if (!message)
        return failed("no message with UID " + std::to_string(args.uid) + " in " + args.mailbox,
                      "See `tern mail list " + args.address + " " + args.mailbox + "`");
    auto raw = opened->store->read_blob(message->blob);
    if (!raw) return failed("cannot read the message: " + raw.error().message, kStoreTodo);
    std::cout.write(raw->data(), static_cast<std::streamsize>(raw->size()));
    std::cout.flush();
    return 0;
}

}  // namespace tern::cli::detail

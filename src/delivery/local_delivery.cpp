#include "delivery/local_delivery.hpp"

#include <algorithm>

namespace tern::delivery {

Result<std::vector<store::Appended>> deliver_local(store::Store& store, LocalMessage& m) {
    if (m.targets.empty()) return fail(Errc::invalid, "no local recipients");
    store::NewMessage msg;
    std::vector<const LocalTarget*> unique;
    for (const auto& t : m.targets) {
        bool dup = std::any_of(unique.begin(), unique.end(),
                               [&](const LocalTarget* u) { return u->mailbox == t.mailbox; });
        if (!dup) unique.push_back(&t);
    }
    std::string prefix = "Return-Path: <" + m.return_path + ">\r\n";
    if (unique.size() == 1) prefix += "Delivered-To: " + unique[0]->address + "\r\n";
    msg.raw.reserve(prefix.size() + m.content.size());
    msg.raw = std::move(prefix);
    msg.raw += m.content;
    m.content.clear();
    msg.internal_date = m.internal_date;
    for (const LocalTarget* t : unique)
        msg.targets.push_back({t->mailbox, {}});
    return store.append(msg);
}

}  // namespace tern::delivery

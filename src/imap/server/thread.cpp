#include "imap/server/thread.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <variant>

namespace tern::imap {
namespace {

constexpr int kNone = -1;

// A thread container (RFC 5256 4): a message, or a dummy standing for a
// message that was referenced but is not in the set.
struct Node {
    int msg = kNone;  // index into the messages; kNone for a dummy
    int parent = kNone;
    std::vector<int> children;
};

class Forest {
  public:
    explicit Forest(const std::vector<ThreadMessage>& messages) : messages_(messages) {}

    int add(int msg) {
        nodes_.push_back(Node{msg, kNone, {}});
        return static_cast<int>(nodes_.size()) - 1;
    }
    Node& operator[](int n) { return nodes_[static_cast<std::size_t>(n)]; }
    bool dummy(int n) const { return nodes_[static_cast<std::size_t>(n)].msg == kNone; }
    std::size_t size() const { return nodes_.size(); }

    // Is `a` the container `b` or one of b's ancestors? Making `a` a child
    // of `b` would then close a loop. A container without children is
    // nobody's ancestor, which keeps long chains linear.
    bool ancestor_or_self(int a, int b) {
        if ((*this)[a].children.empty()) return a == b;
        for (int n = b; n != kNone; n = (*this)[n].parent)
            if (n == a) return true;
        return false;
    }
    void link(int parent, int child) {
        (*this)[child].parent = parent;
        (*this)[parent].children.push_back(child);
    }
    void unlink(int child) {
        const int parent = (*this)[child].parent;
        if (parent == kNone) return;
        auto& siblings = (*this)[parent].children;
        siblings.erase(std::find(siblings.begin(), siblings.end(), child));
        (*this)[child].parent = kNone;
    }
    // Makes `child` a child of the dummy `parent`; a dummy child gives its
    // children instead, so a dummy never holds a dummy.
    void adopt(int parent, int child) {
        if (!dummy(child)) {
            link(parent, child);
            return;
        }
        for (int c : (*this)[child].children)
            link(parent, c);
        (*this)[child].children.clear();
    }

    // The message a container sorts and groups as: itself, or for a dummy
    // its first child (RFC 5256 4 steps 4 and 5.B).
    const ThreadMessage* representative(int n) {
        while (n != kNone && dummy(n))
            n = (*this)[n].children.empty() ? kNone : (*this)[n].children.front();
        return n == kNone ? nullptr : &messages_[static_cast<std::size_t>((*this)[n].msg)];
    }
    // RFC 5256 2.2: by sent date, ties by sequence number.
    bool earlier(int a, int b) {
        const ThreadMessage* x = representative(a);
        const ThreadMessage* y = representative(b);
        if (!x || !y) return x != nullptr && y == nullptr;
        return std::tie(x->sent, x->seq) < std::tie(y->sent, y->seq);
    }
    void sort_siblings(std::vector<int>& list) {
        std::stable_sort(list.begin(), list.end(), [&](int a, int b) { return earlier(a, b); });
    }

    // Every container under `roots`, parents before children (an explicit
    // stack: thread depth is set by the messages, not by us).
    std::vector<int> preorder(const std::vector<int>& roots) {
        std::vector<int> out;
        std::vector<int> stack(roots.rbegin(), roots.rend());
        while (!stack.empty()) {
            const int n = stack.back();
            stack.pop_back();
            out.push_back(n);
            const auto& ch = (*this)[n].children;
            stack.insert(stack.end(), ch.rbegin(), ch.rend());
        }
        return out;
    }

    // RFC 5256 5: thread-list per root. A container with one child is
    // followed by it in the same list; with several, each child is a
    // parenthesised list of its own.
    std::string text(const std::vector<int>& roots) {
        std::string out;
        using Item = std::variant<int, const char*>;
        std::vector<Item> stack;
        for (auto it = roots.rbegin(); it != roots.rend(); ++it) {
            stack.emplace_back(")");
            stack.emplace_back(*it);
            stack.emplace_back("(");
        }
        while (!stack.empty()) {
            const Item item = stack.back();
            stack.pop_back();
            if (const auto* s = std::get_if<const char*>(&item)) {
                out += *s;
                continue;
            }
            const int n = std::get<int>(item);
            const Node& node = (*this)[n];
            const bool real = !dummy(n);
            if (real) out += std::to_string(messages_[static_cast<std::size_t>(node.msg)].number);
            if (node.children.size() == 1) {
                stack.emplace_back(node.children.front());
                if (real) stack.emplace_back(" ");
                continue;
            }
            for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
                stack.emplace_back(")");
                stack.emplace_back(*it);
                stack.emplace_back("(");
            }
            if (real && !node.children.empty()) stack.emplace_back(" ");
        }
        return out;
    }

  private:
    const std::vector<ThreadMessage>& messages_;
    std::vector<Node> nodes_;
};

// The messages' indexes in sequence-number order: RFC 5256 4 step 1 gives
// a duplicated Message-ID to the lowest sequence number.
std::vector<int> by_sequence(const std::vector<ThreadMessage>& messages) {
    std::vector<int> order(messages.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return messages[static_cast<std::size_t>(a)].seq <
               messages[static_cast<std::size_t>(b)].seq;
    });
    return order;
}

// RFC 5256 4 step 1: containers and parent/child links.
void build_links(Forest& f, const std::vector<ThreadMessage>& messages) {
    std::unordered_map<std::string, int> by_id;
    const auto container = [&](const std::string& id) {
        auto [it, inserted] = by_id.try_emplace(id, kNone);
        if (inserted) it->second = f.add(kNone);
        return it->second;
    };
    for (int i : by_sequence(messages)) {
        const ThreadMessage& m = messages[static_cast<std::size_t>(i)];
        // 1.A: a message without a valid Message-ID, or with one already
        // used by an earlier message, gets a container of its own.
        int self = kNone;
        if (!m.message_id.empty()) {
            const int c = container(m.message_id);
            if (f.dummy(c)) {
                f[c].msg = i;
                self = c;
            }
        }
        if (self == kNone) self = f.add(i);
        // 1.B: link the references in order, keeping links made earlier
        // and refusing any that would make a loop.
        int previous = kNone;
        for (const auto& ref : m.references) {
            const int c = container(ref);
            if (previous != kNone && f[c].parent == kNone && !f.ancestor_or_self(c, previous))
                f.link(previous, c);
            previous = c;
        }
        // 1.C: the message's parent is its last reference (or none): a
        // parent set before came from a truncated References and goes.
        f.unlink(self);
        if (previous != kNone && !f.ancestor_or_self(self, previous)) f.link(previous, self);
    }
}

// RFC 5256 4 step 3: dummies without children go; a dummy's children take
// its place, but at the root only when there is exactly one. Bottom-up, so
// every promoted child has already been pruned itself.
std::vector<int> prune(Forest& f, const std::vector<int>& roots) {
    const auto order = f.preorder(roots);
    const auto spliced = [&](int parent, const std::vector<int>& children, bool root) {
        std::vector<int> out;
        for (int c : children) {
            if (!f.dummy(c)) {
                out.push_back(c);
                continue;
            }
            auto& grand = f[c].children;
            if (grand.empty()) continue;
            if (root && grand.size() > 1) {
                out.push_back(c);
                continue;
            }
            for (int g : grand) {
                f[g].parent = parent;
                out.push_back(g);
            }
            grand.clear();
        }
        return out;
    };
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        f[*it].children = spliced(*it, f[*it].children, false);
    return spliced(kNone, roots, true);
}

// RFC 5256 4 step 5: top-level threads with the same base subject merged.
std::vector<int> merge_by_subject(Forest& f, std::vector<int> roots) {
    const auto subject_of = [&](int n) -> const ThreadMessage* {
        const ThreadMessage* m = f.representative(n);
        return m && !m->subject.empty() ? m : nullptr;
    };
    // A dummy is no message, so it is never "a reply or forward".
    const auto reply = [&](int n) { return !f.dummy(n) && subject_of(n)->reply_or_forward; };
    // 5.A/5.B: the subject table prefers a dummy, then a non-reply.
    std::map<std::string, int> table;
    for (int n : roots) {
        const ThreadMessage* m = subject_of(n);
        if (!m) continue;
        auto [it, inserted] = table.try_emplace(m->subject, n);
        if (inserted) continue;
        const int held = it->second;
        if ((f.dummy(n) && !f.dummy(held)) || (reply(held) && !f.dummy(n) && !reply(n)))
            it->second = n;
    }
    // 5.C: merge every other top-level container with the table's.
    std::unordered_map<int, std::size_t> slot;
    for (std::size_t i = 0; i < roots.size(); ++i)
        slot[roots[i]] = i;
    std::vector<bool> gone(roots.size(), false);
    for (std::size_t i = 0; i < roots.size(); ++i) {
        const int n = roots[i];
        if (gone[i]) continue;
        const ThreadMessage* m = subject_of(n);
        if (!m) continue;
        const auto it = table.find(m->subject);
        const int held = it->second;
        if (held == n) continue;
        if (f.dummy(held)) {
            // Both dummies: the children move over; a message joins the
            // dummy's children.
            f.adopt(held, n);
        } else if (reply(n) && !reply(held)) {
            f.link(held, n);
        } else {
            // Both replies or neither: siblings under a new dummy, which
            // takes the table's place at the top level.
            const int d = f.add(kNone);
            const std::size_t held_slot = slot.at(held);
            f.adopt(d, held);
            f.adopt(d, n);
            roots[held_slot] = d;
            slot[d] = held_slot;
            it->second = d;
        }
        gone[i] = true;
    }
    std::vector<int> out;
    for (std::size_t i = 0; i < roots.size(); ++i)
        if (!gone[i]) out.push_back(roots[i]);
    return out;
}

}  // namespace

std::vector<std::string> parse_message_ids(std::string_view value) {
    std::vector<std::string> ids;
    std::size_t pos = 0;
    while ((pos = value.find('<', pos)) != std::string_view::npos) {
        const std::size_t close = value.find('>', pos + 1);
        if (close == std::string_view::npos) break;
        std::string id;
        for (char c : value.substr(pos + 1, close - pos - 1))
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') id += c;
        if (!id.empty()) ids.push_back(std::move(id));
        pos = close + 1;
    }
    return ids;
}

void set_thread_links(ThreadMessage& m, std::string_view message_id_field,
                      std::string_view references_field, std::string_view in_reply_to_field) {
    auto own = parse_message_ids(message_id_field);
    m.message_id = own.empty() ? std::string() : std::move(own.front());
    m.references = parse_message_ids(references_field);
    // RFC 5256 4 step 1: without a valid References, the first valid
    // Message ID of In-Reply-To stands for it.
    if (m.references.empty()) {
        auto irt = parse_message_ids(in_reply_to_field);
        if (!irt.empty()) m.references.push_back(std::move(irt.front()));
    }
}

std::string thread_ordered_subject(const std::vector<ThreadMessage>& messages) {
    // RFC 5256 4 ORDEREDSUBJECT: sort by base subject, then sent date.
    std::vector<int> order(messages.size());
    std::iota(order.begin(), order.end(), 0);
    const auto msg = [&](int i) -> const ThreadMessage& {
        return messages[static_cast<std::size_t>(i)];
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return std::tie(msg(a).subject, msg(a).sent, msg(a).seq) <
               std::tie(msg(b).subject, msg(b).sent, msg(b).seq);
    });
    Forest f(messages);
    std::vector<int> roots;
    for (std::size_t i = 0; i < order.size(); ++i) {
        // The first message of each subject starts a thread; the others
        // are its children, siblings of one another.
        const int n = f.add(order[i]);
        if (i > 0 && msg(order[i]).subject == msg(order[i - 1]).subject)
            f.link(roots.back(), n);
        else
            roots.push_back(n);
    }
    f.sort_siblings(roots);  // threads by the sent date of their first message
    return f.text(roots);
}

std::string thread_references(const std::vector<ThreadMessage>& messages) {
    Forest f(messages);
    build_links(f, messages);
    // Step 2: the root set is every container without a parent.
    std::vector<int> roots;
    for (std::size_t n = 0; n < f.size(); ++n)
        if (f[static_cast<int>(n)].parent == kNone) roots.push_back(static_cast<int>(n));
    roots = prune(f, roots);  // step 3
    // Step 4: the root set by sent date (a dummy as its sorted first child).
    for (int n : roots)
        if (f.dummy(n)) f.sort_siblings(f[n].children);
    f.sort_siblings(roots);
    roots = merge_by_subject(f, std::move(roots));  // step 5
    // Step 6: every set of siblings by sent date, the deepest first.
    const auto order = f.preorder(roots);
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        f.sort_siblings(f[*it].children);
    f.sort_siblings(roots);
    return f.text(roots);
}

}  // namespace tern::imap

// Unit tests: RFC 5256 4 ORDEREDSUBJECT and REFERENCES over hand-built
// messages, including the response examples of RFC 5256 4, and the
// msg-id parsing they rely on.
#include "imap/server/thread.hpp"

#include <gtest/gtest.h>

namespace tern::imap {
namespace {

// A message whose sequence number, number and sent date are all `n` unless
// a date is given; references and subject as given (an empty base subject
// is never grouped, RFC 5256 4 step 5.B).
ThreadMessage msg(std::uint32_t n, std::string id, std::vector<std::string> refs = {},
                  std::string subject = "", std::int64_t sent = -1, bool reply = false) {
    ThreadMessage m;
    m.number = n;
    m.seq = n;
    m.sent = sent < 0 ? n : sent;
    m.message_id = std::move(id);
    m.references = std::move(refs);
    m.subject = std::move(subject);
    m.reply_or_forward = reply;
    return m;
}

TEST(ParseMessageIds, AngleBracketsOnly) {
    EXPECT_EQ(parse_message_ids(" <a@b> (comment) <c@d>\r\n\t<e@\r\n f>"),
              (std::vector<std::string>{"a@b", "c@d", "e@f"}));
    EXPECT_TRUE(parse_message_ids("no ids here").empty());
    EXPECT_TRUE(parse_message_ids("<> <unclosed").empty());
}

TEST(SetThreadLinks, InReplyToWhenReferencesHasNoId) {
    ThreadMessage m;
    set_thread_links(m, "<me@x>", "garbage", "<p1@x> <p2@x>");
    EXPECT_EQ(m.message_id, "me@x");
    EXPECT_EQ(m.references, (std::vector<std::string>{"p1@x"}));
    set_thread_links(m, "", "<r1@x> <r2@x>", "<p1@x>");
    EXPECT_EQ(m.message_id, "");
    EXPECT_EQ(m.references, (std::vector<std::string>{"r1@x", "r2@x"}));
}

// RFC 5256 4 (thread-data example): "(2)(3 6 (4 23)(44 7 96))".
TEST(ThreadReferences, Rfc5256ExampleTree) {
    const std::vector<ThreadMessage> all = {
        msg(2, "m2"),
        msg(3, "m3"),
        msg(4, "m4", {"m3", "m6"}),
        msg(6, "m6", {"m3"}),
        msg(7, "m7", {"m3", "m6", "m44"}),
        msg(23, "m23", {"m3", "m6", "m4"}),
        msg(44, "m44", {"m3", "m6"}),
        msg(96, "m96", {"m3", "m6", "m44", "m7"}),
    };
    EXPECT_EQ(thread_references(all), "(2)(3 6 (4 23)(44 7 96))");
}

// RFC 5256 4: "((3)(5))", two messages whose common parent is missing.
TEST(ThreadReferences, DummyParentKeptAtTheRootWithTwoChildren) {
    const std::vector<ThreadMessage> all = {msg(3, "a", {"gone"}), msg(5, "b", {"gone"})};
    EXPECT_EQ(thread_references(all), "((3)(5))");
}

// Step 3: a dummy with one child is replaced by it, at the root too; inside
// a thread its children are always promoted.
TEST(ThreadReferences, DummiesPruned) {
    EXPECT_EQ(thread_references({msg(1, "a", {"gone"})}), "(1)");
    EXPECT_EQ(thread_references({msg(1, "a"), msg(2, "b", {"a", "gone"}),
                                 msg(3, "c", {"a", "gone2"}), msg(4, "d", {"a", "gone2"})}),
              "(1 (2)(3)(4))");
    EXPECT_EQ(thread_references({}), "");
}

// Step 1.A: a duplicate Message-ID goes to the first message only; a
// message without one stands alone.
TEST(ThreadReferences, DuplicateAndMissingMessageIds) {
    const std::vector<ThreadMessage> all = {msg(1, "x"), msg(2, "x"), msg(3, "", {"x"}),
                                            msg(4, "")};
    EXPECT_EQ(thread_references(all), "(1 3)(2)(4)");
}

// Step 1.B/1.C: links that would make a loop are refused; a message's
// parent is its last reference even if an earlier link said otherwise.
TEST(ThreadReferences, LoopsRefusedAndTruncatedReferencesFixed) {
    EXPECT_EQ(thread_references({msg(1, "a", {"b"}), msg(2, "b", {"a"})}), "(2 1)");
    EXPECT_EQ(thread_references({msg(1, "a", {"a"})}), "(1)");
    // Message 3 says c's parent is a (truncated References); 2's full
    // References then make b its parent, under a.
    EXPECT_EQ(thread_references({msg(1, "a"), msg(3, "d", {"a", "c"}), msg(4, "c", {"a", "b"}),
                                 msg(2, "b", {"a"})}),
              "(1 2 4 3)");
}

// Step 5: top-level threads merged by base subject: a reply goes under the
// original; two originals (or two replies) become siblings under a dummy.
TEST(ThreadReferences, GroupedByBaseSubject) {
    EXPECT_EQ(thread_references({msg(1, "a", {}, "HELLO", 1, true), msg(2, "b", {}, "HELLO")}),
              "(2 1)");
    EXPECT_EQ(thread_references({msg(1, "a", {}, "HELLO"), msg(2, "b", {}, "HELLO"),
                                 msg(3, "c", {}, "HELLO", 3, true)}),
              "((1)(2)(3))");
    // A dummy in the table takes the other threads of its subject.
    EXPECT_EQ(thread_references(
                  {msg(1, "a", {"gone"}, "T"), msg(2, "b", {"gone"}, "T"), msg(3, "c", {}, "T")}),
              "((1)(2)(3))");
    // An empty base subject is never grouped.
    EXPECT_EQ(thread_references({msg(1, "a", {}, ""), msg(2, "b", {}, "")}), "(1)(2)");
}

// Steps 4 and 6: siblings by sent date, ties by sequence number.
TEST(ThreadReferences, SiblingsBySentDate) {
    const std::vector<ThreadMessage> all = {msg(1, "a", {}, "", 50), msg(2, "b", {"a"}, "", 90),
                                            msg(3, "c", {"a"}, "", 70), msg(4, "d", {}, "", 10),
                                            msg(5, "e", {"a"}, "", 70)};
    EXPECT_EQ(thread_references(all), "(4)(1 (3)(5)(2))");
}

// A hostile References chain thousands deep must not exhaust the stack.
TEST(ThreadReferences, DeepChain) {
    std::vector<ThreadMessage> all;
    std::string expected = "(";
    for (std::uint32_t n = 1; n <= 20000; ++n) {
        std::vector<std::string> refs;
        if (n > 1) refs.push_back("id" + std::to_string(n - 1));
        all.push_back(msg(n, "id" + std::to_string(n), refs));
        expected += (n > 1 ? " " : "") + std::to_string(n);
    }
    EXPECT_EQ(thread_references(all), expected + ")");
}

// RFC 5256 4 ORDEREDSUBJECT, shaped like the A283 example's
// "(166)(174 (175)(176)(178)(181)(180))(194 195)".
TEST(ThreadOrderedSubject, Rfc5256ExampleShape) {
    const std::vector<ThreadMessage> all = {
        msg(166, "", {}, "ALPHA", 1), msg(174, "", {}, "BETA", 2),  msg(175, "", {}, "BETA", 3),
        msg(176, "", {}, "BETA", 4),  msg(178, "", {}, "BETA", 5),  msg(180, "", {}, "BETA", 7),
        msg(181, "", {}, "BETA", 6),  msg(194, "", {}, "GAMMA", 8), msg(195, "", {}, "GAMMA", 9),
    };
    EXPECT_EQ(thread_ordered_subject(all), "(166)(174 (175)(176)(178)(181)(180))(194 195)");
    EXPECT_EQ(thread_ordered_subject({}), "");
    // Threads are ordered by their first message's date, not their subject.
    EXPECT_EQ(thread_ordered_subject({msg(1, "", {}, "Z", 1), msg(2, "", {}, "A", 2)}), "(1)(2)");
}

}  // namespace
}  // namespace tern::imap

// MessageMap (sequence numbers, resolution, reconcile with the RFC 9051
// 7.5.1 EXPUNGE numbering) and LIST pattern matching.
#include "imap/server/message_map.hpp"

#include <gtest/gtest.h>

#include "imap/server/list_match.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {

store::Message msg(std::uint32_t uid, std::uint64_t modseq = 1) {
    store::Message m;
    m.uid = uid;
    m.modseq = modseq;
    return m;
}

SequenceSet set(const char* text) {
    return *parse_sequence_set(text);
}

TEST(MessageMap, ResolveSequenceAndUidSets) {
    MessageMap map;
    map.reset({msg(3), msg(7), msg(9), msg(20)});
    EXPECT_EQ(map.resolve(set("2:*"), false), (std::vector<std::uint32_t>{2, 3, 4}));
    EXPECT_EQ(map.resolve(set("*"), false), (std::vector<std::uint32_t>{4}));
    EXPECT_EQ(map.resolve(set("7:10"), true), (std::vector<std::uint32_t>{2, 3}));
    // RFC 9051 6.4.9: "n:*" includes the highest UID even when n is above it.
    EXPECT_EQ(map.resolve(set("100:*"), true), (std::vector<std::uint32_t>{4}));
    EXPECT_EQ(map.seq_of(9), 3u);
    EXPECT_EQ(map.seq_of(8), 0u);
    MessageMap empty;
    EXPECT_TRUE(empty.resolve(set("1:*"), false).empty());
}

TEST(MessageMap, ReconcileExpungesHighestFirstThenExistsThenFlags) {
    MessageMap map;
    map.reset({msg(1), msg(2), msg(3), msg(4)});
    auto up = map.reconcile({msg(1), msg(3, 5), msg(5), msg(6)}, true);
    EXPECT_EQ(up.expunged, (std::vector<std::uint32_t>{4, 2}));
    ASSERT_TRUE(up.exists);
    EXPECT_EQ(*up.exists, 4u);
    EXPECT_EQ(up.changed, (std::vector<std::uint32_t>{2}));  // UID 3 is now number 2
    EXPECT_EQ(map.seq_of(6), 4u);
}

TEST(MessageMap, ReconcileWithoutExpungeKeepsNumbers) {
    MessageMap map;
    map.reset({msg(1), msg(2), msg(3)});
    auto up = map.reconcile({msg(1), msg(3)}, false);
    EXPECT_TRUE(up.expunged.empty());
    EXPECT_FALSE(up.exists);
    EXPECT_EQ(map.size(), 3u);
    EXPECT_TRUE(map.vanished(2));
    EXPECT_TRUE(map.has_vanished());
    up = map.reconcile({msg(1), msg(3)}, true);
    EXPECT_EQ(up.expunged, std::vector<std::uint32_t>{2});
    EXPECT_FALSE(map.has_vanished());
}

TEST(ListMatch, Wildcards) {
    EXPECT_TRUE(list_match("*", "a/b/c"));
    EXPECT_TRUE(list_match("%", "abc"));
    EXPECT_FALSE(list_match("%", "a/b"));
    EXPECT_TRUE(list_match("a/%", "a/b"));
    EXPECT_FALSE(list_match("a/%", "a/b/c"));
    EXPECT_TRUE(list_match("a*c", "a/b/c"));
    EXPECT_FALSE(list_match("A", "a"));
    // Hostile patterns stay fast (memoised).
    EXPECT_FALSE(list_match(std::string(200, '*') + "x", std::string(1000, 'a')));
    EXPECT_EQ(list_canonical_pattern("", "inbox/%"), "INBOX/%");
    EXPECT_EQ(list_canonical_pattern("Work/", "%"), "Work/%");
    EXPECT_EQ(list_canonical_pattern("", "inboxes"), "inboxes");
}

TEST(Util, DatesHeaderSplitAndUidSets) {
    const DateTime dt = to_date_time(1700000000);
    EXPECT_EQ(format_date_time(dt), "\"14-Nov-2023 22:13:20 +0000\"");
    EXPECT_EQ(to_unix(dt), 1700000000);
    EXPECT_EQ(to_date_time(0).date, (Date{1970, 1, 1}));
    EXPECT_EQ(header_length("A: b\r\n\r\nbody"), 8u);
    EXPECT_EQ(header_length("A: b\n\nbody"), 6u);
    EXPECT_EQ(header_length("no body"), 7u);
    EXPECT_EQ(uid_set_text({1, 2, 3, 7, 9, 10}), "1:3,7,9:10");
    EXPECT_TRUE(check_mailbox_name("a/b/"));
    EXPECT_EQ(*check_mailbox_name("a/b/"), "a/b");
    EXPECT_FALSE(check_mailbox_name("a//b"));
    EXPECT_FALSE(check_mailbox_name("/a"));
    EXPECT_FALSE(check_mailbox_name("a%"));
}

}  // namespace
}  // namespace tern::imap

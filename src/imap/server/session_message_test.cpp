// IMAP transcripts, messages: APPEND (literals, flags, date, APPENDUID),
// STORE, COPY, MOVE and their UID forms, SEARCH, FETCH, IDLE, and untagged
// updates from other writers.
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

const std::string kMsg = "From: Bob <bob@example.test>\r\nSubject: Hello\r\n\r\nBody line\r\n";

std::string literal(const std::string& s, bool plus = false) {
    return "{" + std::to_string(s.size()) + (plus ? "+" : "") + "}\r\n" + s;
}

TEST_F(ImapSessionTest, AppendSynchronizingLiteralWithFlagsAndDate) {
    const auto box = *store_->find_mailbox(alice_.id, "Drafts");
    SessionSetup s;
    s.chunk = 1;  // the client waits for "+" before sending the literal
    const std::string out = logged_in(
        "b APPEND Drafts (\\Draft $Work) \"05-Jan-2024 10:20:30 +0200\" " + literal(kMsg) + "\r\n",
        s);
    EXPECT_EQ(out.find("+ Ready for literal data\r\nb OK [APPENDUID " +
                       std::to_string(box.uid_validity) + " 1] APPEND completed"),
              0u)
        << out;
    const auto msgs = messages("Drafts");
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].flags, (std::vector<std::string>{"$Work", "\\Draft"}));
    EXPECT_EQ(msgs[0].internal_date, 1704450030 - 7200);  // 2024-01-05 10:20:30 +0200
    EXPECT_EQ(*store_->read_blob(msgs[0].blob), kMsg);
}

TEST_F(ImapSessionTest, AppendLiteralPlusAndMultiappendAndErrors) {
    SessionSetup s;
    s.chunk = 1;  // one octet per read: framing must not depend on packets
    const std::string out = logged_in(
        "b APPEND INBOX " + literal(kMsg, true) + " " + literal("Subject: 2\r\n\r\n2\r\n", true) +
            "\r\nc APPEND Nowhere " + literal(kMsg, true) + "\r\nd APPEND INBOX (\\Recent) " +
            literal(kMsg, true) + "\r\n",
        s);
    EXPECT_EQ(out.find("+ "), std::string::npos) << out;
    EXPECT_NE(out.find("b OK [APPENDUID "), std::string::npos) << out;
    EXPECT_NE(out.find(" 1:2] APPEND completed"), std::string::npos) << out;
    EXPECT_NE(out.find("c NO [TRYCREATE]"), std::string::npos) << out;
    EXPECT_NE(out.find("d BAD"), std::string::npos) << out;
    EXPECT_EQ(messages().size(), 2u);
}

TEST_F(ImapSessionTest, AppendToSelectedMailboxReportsExists) {
    deliver(kMsg);
    const std::string out = selected("b APPEND INBOX " + literal(kMsg, true) + "\r\n");
    EXPECT_EQ(out.find("* 2 EXISTS\r\nb OK [APPENDUID"), 0u) << out;
}

TEST_F(ImapSessionTest, StoreFlagsForms) {
    deliver(kMsg);
    const auto u2 = deliver(kMsg);
    const std::string out = selected(
        "b STORE 1:2 +FLAGS (\\Seen $Tag)\r\nc STORE 1 -FLAGS.SILENT ($Tag)\r\n"
        "d UID STORE " +
        std::to_string(u2) +
        " FLAGS (\\Flagged)\r\ne STORE 3 +FLAGS \\Seen\r\n"
        "f STORE 1 +FLAGS \\Recent\r\n");
    EXPECT_EQ(out.find("* 1 FETCH (UID 1 FLAGS ($Tag \\Seen))\r\n* 2 FETCH (UID 2 FLAGS ($Tag "
                       "\\Seen))\r\nb OK STORE completed\r\nc OK STORE completed\r\n"
                       "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\nd OK UID STORE completed\r\n"),
              0u)
        << out;
    EXPECT_NE(out.find("e BAD invalid message sequence number"), std::string::npos) << out;
    EXPECT_NE(out.find("f BAD"), std::string::npos) << out;
    const auto msgs = messages();
    EXPECT_EQ(msgs[0].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(msgs[1].flags, std::vector<std::string>{"\\Flagged"});
}

TEST_F(ImapSessionTest, CopyAndMoveWithCopyuid) {
    deliver(kMsg);
    deliver(kMsg, "INBOX", {"\\Flagged"});
    deliver(kMsg);
    const auto trash = *store_->find_mailbox(alice_.id, "Trash");
    const auto archive = *store_->find_mailbox(alice_.id, "Archive");
    const std::string out = selected(
        "b COPY 1:2 Trash\r\nc MOVE 2 Archive\r\nd UID MOVE 3 Archive\r\n"
        "e COPY 1 Nowhere\r\nf UID COPY 99 Trash\r\n");
    EXPECT_EQ(out.find("b OK [COPYUID " + std::to_string(trash.uid_validity) +
                       " 1:2 1:2] COPY completed\r\n* OK [COPYUID " +
                       std::to_string(archive.uid_validity) +
                       " 2 1] moved\r\n* 2 EXPUNGE\r\n"
                       "c OK MOVE completed\r\n* OK [COPYUID " +
                       std::to_string(archive.uid_validity) +
                       " 3 2] moved\r\n* 2 EXPUNGE\r\n"
                       "d OK UID MOVE completed\r\n"),
              0u)
        << out;
    EXPECT_NE(out.find("e NO [TRYCREATE]"), std::string::npos) << out;
    EXPECT_NE(out.find("f OK UID COPY completed"), std::string::npos) << out;
    EXPECT_EQ(messages().size(), 1u);
    EXPECT_EQ(messages("Trash").size(), 2u);
    ASSERT_EQ(messages("Archive").size(), 2u);
    EXPECT_EQ(messages("Archive")[0].flags, std::vector<std::string>{"\\Flagged"});
}

TEST_F(ImapSessionTest, SearchSimpleKeys) {
    deliver("Subject: small\r\n\r\nx\r\n", "INBOX", {"\\Seen"}, 1700000000);  // 2023-11-14
    deliver("Subject: big\r\n\r\n" + std::string(500, 'y') + "\r\n", "INBOX", {"\\Flagged"},
            1704067200);  // 2024-01-01
    deliver(
        "From: Carol <carol@example.test>\r\nSubject: Lunch\r\nDate: Tue, 5 Mar 2024 "
        "12:00:00 +0100\r\n\r\nPizza time\r\n",
        "INBOX", {"\\Seen", "\\Deleted"}, 1710000000);
    const std::string out = selected(
        "b SEARCH ALL\r\nc SEARCH SEEN\r\nd SEARCH UNSEEN\r\ne SEARCH LARGER 200\r\n"
        "f SEARCH OR FLAGGED DELETED\r\ng SEARCH NOT SEEN\r\nh SEARCH SINCE 1-Jan-2024 "
        "BEFORE 2-Jan-2024\r\ni SEARCH ON 14-Nov-2023\r\nj UID SEARCH UID 2:*\r\n"
        "k SEARCH 2:3 SEEN\r\nl SEARCH FROM carol\r\nm SEARCH BODY pizza\r\n"
        "n SEARCH SENTSINCE 1-Jan-2024 SENTON 5-Mar-2024 NOT SENTBEFORE 5-Mar-2024\r\no SEARCH "
        "CHARSET KOI8-R ALL\r\n"
        "p SEARCH SUBJECT lunch NOT TEXT nothing\r\nq SEARCH $\r\n");
    EXPECT_NE(out.find("* SEARCH 1 2 3\r\nb OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 1 3\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2\r\ne OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2 3\r\nf OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2\r\ng OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2\r\nh OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 1\r\ni OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 2 3\r\nj OK UID SEARCH"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 3\r\nk OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 3\r\nl OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 3\r\nm OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 3\r\nn OK"), std::string::npos) << out;  // others have no Date
    EXPECT_NE(out.find("o NO [BADCHARSET (US-ASCII UTF-8)]"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 3\r\np OK"), std::string::npos) << out;
    // RFC 5182 2.1: "$" before any SEARCH ... SAVE is empty, not an error.
    EXPECT_NE(out.find("* SEARCH\r\nq OK"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, FetchMetadataAndBodies) {
    deliver(kMsg, "INBOX", {}, 1700000000);
    const std::string out = selected(
        "b FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE)\r\nc FETCH 1 BODY.PEEK[HEADER]\r\n"
        "d FETCH 1 BODY[TEXT]\r\ne FETCH 1 BODY.PEEK[]<5.10>\r\nf UID FETCH 1 (FLAGS)\r\n"
        "g FETCH 1 ENVELOPE\r\nh FETCH 1 BODYSTRUCTURE\r\ni FETCH 1 RFC822.SIZE\r\n");
    EXPECT_NE(out.find("* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" "
                       "RFC822.SIZE " +
                       std::to_string(kMsg.size()) + ")\r\nb OK FETCH completed"),
              std::string::npos)
        << out;
    const std::string header = kMsg.substr(0, kMsg.find("\r\n\r\n") + 4);
    EXPECT_NE(out.find("* 1 FETCH (BODY[HEADER] {" + std::to_string(header.size()) + "}\r\n" +
                       header + ")\r\nc OK"),
              std::string::npos)
        << out;
    // BODY[TEXT] sets \Seen and reports the new flags.
    EXPECT_NE(out.find("* 1 FETCH (BODY[TEXT] {11}\r\nBody line\r\n FLAGS (\\Seen))\r\nd OK"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* 1 FETCH (BODY[]<5> \" Bob <bob@\")\r\ne OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nf OK UID FETCH completed"),
              std::string::npos)
        << out;
    EXPECT_NE(
        out.find("* 1 FETCH (ENVELOPE (NIL \"Hello\" ((\"Bob\" NIL \"bob\" \"example.test\"))"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\""), std::string::npos) << out;
    EXPECT_EQ(messages()[0].flags, std::vector<std::string>{"\\Seen"});
}

TEST_F(ImapSessionTest, FetchWholeMessageEqualsStoredBytes) {
    deliver(kMsg);
    const std::string out =
        selected("b FETCH 1 BODY[]\r\nc FETCH 5 UID\r\nd UID FETCH 5:9 UID\r\n");
    EXPECT_NE(out.find("* 1 FETCH (BODY[] {" + std::to_string(kMsg.size()) + "}\r\n" + kMsg +
                       " FLAGS (\\Seen))\r\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("c BAD invalid message sequence number"), std::string::npos) << out;
    EXPECT_NE(out.find("d OK UID FETCH completed"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, CopyIntoSelectedMailboxReportsExists) {
    deliver(kMsg);
    deliver(kMsg);
    const std::string out = selected("b UID COPY 1 INBOX\r\nc NOOP\r\n");
    EXPECT_NE(out.find("* 3 EXISTS\r\nb OK [COPYUID"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, IdleReportsPendingChangesAndEndsWithDone) {
    deliver(kMsg);
    const std::string out = selected("b IDLE\r\nDONE\r\nc IDLE\r\nNOPE\r\n");
    EXPECT_NE(out.find("+ idling\r\nb OK IDLE terminated\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD expected DONE"), std::string::npos) << out;
}

}  // namespace
}  // namespace tern::imap::test

namespace tern::imap::test {
namespace {

TEST_F(ImapSessionTest, OtherWritersChangesArriveAtAllowedMoments) {
    deliver(kMsg);
    deliver(kMsg);
    deliver(kMsg);
    SessionSetup s;
    s.allow_plaintext = true;
    s.chunk = 1;
    s.hook_after = "b OK";
    const auto inbox = *store_->find_mailbox(alice_.id, "INBOX");
    s.hook = [&] {
        // Another session: expunges UID 2, flags UID 3, delivers a new one.
        ASSERT_TRUE(store_->expunge(inbox.id, {2}));
        ASSERT_TRUE(
            store_->store_flags(inbox.id, {3}, store::FlagOp::add, {"\\Flagged"}, std::nullopt));
        deliver(kMsg);
    };
    const std::string out = session(std::string("a LOGIN ") + kUser + " \"" + kPassword +
                                        "\"\r\nb SELECT INBOX\r\nc FETCH 1:* UID\r\n"
                                        "d SEARCH ALL\r\ne NOOP\r\n",
                                    s);
    const std::string after = after_line(out, "b OK");
    // RFC 3501 7.4.1: no EXPUNGE during FETCH or SEARCH; EXISTS and flag
    // changes may come; the expunge is told at NOOP.
    const std::string c = after.substr(0, after.find("c OK"));
    EXPECT_EQ(c.find("EXPUNGE"), std::string::npos) << after;
    EXPECT_NE(c.find("* 4 EXISTS\r\n"), std::string::npos) << after;
    EXPECT_NE(c.find("* 3 FETCH (UID 3 FLAGS (\\Flagged))\r\n"), std::string::npos) << after;
    const std::string d = after.substr(after.find("c OK"), after.find("d OK") - after.find("c OK"));
    EXPECT_EQ(d.find("EXPUNGE"), std::string::npos) << after;
    EXPECT_NE(d.find("* SEARCH 1 3 4\r\n"), std::string::npos) << after;
    EXPECT_NE(after.find("* 2 EXPUNGE\r\ne OK NOOP completed"), std::string::npos) << after;
}

}  // namespace
}  // namespace tern::imap::test

namespace tern::imap::test {
namespace {

TEST_F(ImapSessionTest, IdleWithoutSelectedMailboxAndAutologout) {
    SessionSetup s;
    s.end = net::IoStatus::timeout;  // the read times out: the autologout
    const std::string out = logged_in("b IDLE\r\n", s);
    EXPECT_NE(out.find("+ idling\r\n* BYE autologout"), std::string::npos) << out;
}

}  // namespace
}  // namespace tern::imap::test

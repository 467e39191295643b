// IMAP transcripts, CONDSTORE and QRESYNC (RFC 7162): ENABLE and implicit
// enabling, HIGHESTMODSEQ, FETCH CHANGEDSINCE and MODSEQ, STORE
// UNCHANGEDSINCE with [MODIFIED], SEARCH MODSEQ, SELECT (QRESYNC ...) with
// VANISHED (EARLIER), VANISHED instead of EXPUNGE, UID FETCH VANISHED, CLOSED.
// The RFC 7162 examples (3.1.3, 3.1.4.1, 3.1.5, 3.2.5.1, 3.2.6) are adapted
// to messages delivered here: modseqs are read back from the store.
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

const std::string kMsg = "From: Bob <bob@example.test>\r\nSubject: Hello\r\n\r\nBody line\r\n";

std::string n(std::uint64_t v) {
    return std::to_string(v);
}

class CondstoreTest : public ImapSessionTest {
  protected:
    store::Mailbox inbox() { return *store_->find_mailbox(alice_.id, "INBOX"); }
    store::Message msg(std::uint32_t uid) { return *store_->get_message(inbox().id, uid); }
    void flag(std::uint32_t uid, const std::string& f) {
        ASSERT_TRUE(store_->store_flags(inbox().id, {uid}, store::FlagOp::add, {f}, std::nullopt));
    }
    std::string login() { return std::string("a LOGIN ") + kUser + " \"" + kPassword + "\"\r\n"; }
};

TEST_F(CondstoreTest, EnableListsOnlyWhatItEnabled) {
    const std::string out = logged_in(
        "b ENABLE CONDSTORE X-UNKNOWN\r\nc ENABLE CONDSTORE QRESYNC\r\nd ENABLE QRESYNC\r\n");
    EXPECT_NE(out.find("* ENABLED CONDSTORE\r\nb OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ENABLED QRESYNC\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ENABLED\r\nd OK"), std::string::npos) << out;
}

TEST_F(CondstoreTest, SelectCondstoreAndStatusReportHighestModseq) {
    deliver(kMsg);
    deliver(kMsg);
    const auto box = inbox();
    const std::string out =
        logged_in("b STATUS INBOX (HIGHESTMODSEQ MESSAGES)\r\nc SELECT INBOX (CONDSTORE)\r\n");
    EXPECT_NE(out.find("* STATUS INBOX (HIGHESTMODSEQ " + n(box.highest_modseq) + " MESSAGES 2)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* OK [HIGHESTMODSEQ " + n(box.highest_modseq) + "]"), std::string::npos)
        << out;
    EXPECT_NE(out.find("c OK [READ-WRITE]"), std::string::npos) << out;
}

// RFC 7162 3.1.4.1: FETCH (CHANGEDSINCE) returns only the messages changed
// since, with MODSEQ even when not asked for.
TEST_F(CondstoreTest, FetchChangedSinceReturnsOnlyNewerMessages) {
    deliver(kMsg);
    deliver(kMsg);
    deliver(kMsg);
    const std::uint64_t before = inbox().highest_modseq;
    flag(2, "$Work");
    const auto m2 = msg(2);
    const std::string out = selected("b FETCH 1:* (FLAGS) (CHANGEDSINCE " + n(before) +
                                     ")\r\nc UID FETCH 1:* (MODSEQ)\r\n");
    EXPECT_EQ(out.find("* 2 FETCH (FLAGS ($Work) MODSEQ (" + n(m2.modseq) + "))\r\nb OK"), 0u)
        << out;
    EXPECT_NE(out.find("* 1 FETCH (UID 1 MODSEQ (" + n(msg(1).modseq) + "))\r\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* 3 FETCH (UID 3 MODSEQ (" + n(msg(3).modseq) + "))\r\nc OK"),
              std::string::npos)
        << out;
}

// RFC 7162 3.1.3 (example d105): messages changed after UNCHANGEDSINCE are
// left alone and named in [MODIFIED]; the others get FETCH MODSEQ even with
// .SILENT.
TEST_F(CondstoreTest, StoreUnchangedSinceReportsModified) {
    deliver(kMsg);
    deliver(kMsg);
    deliver(kMsg);
    const std::uint64_t since = inbox().highest_modseq;
    flag(2, "$Other");  // another client got there first
    const std::string out =
        selected("b STORE 1:3 (UNCHANGEDSINCE " + n(since) + ") +FLAGS.SILENT (\\Deleted)\r\n");
    const auto m1 = msg(1), m2 = msg(2), m3 = msg(3);
    EXPECT_EQ(out.find("* 1 FETCH (MODSEQ (" + n(m1.modseq) + "))\r\n* 3 FETCH (MODSEQ (" +
                       n(m3.modseq) + "))\r\nb OK [MODIFIED 2] STORE completed"),
              0u)
        << out;
    EXPECT_EQ(m1.flags, std::vector<std::string>{"\\Deleted"});
    EXPECT_EQ(m2.flags, std::vector<std::string>{"$Other"});
    EXPECT_EQ(m3.flags, std::vector<std::string>{"\\Deleted"});
    EXPECT_GT(m1.modseq, since);
}

TEST_F(CondstoreTest, UidStoreUnchangedSinceNamesUidsAndZeroAlwaysFails) {
    deliver(kMsg);
    deliver(kMsg);
    const std::string out = selected(
        "b UID STORE 1:2 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)\r\n"
        "c UID STORE 2 (UNCHANGEDSINCE " +
        n(inbox().highest_modseq) + ") FLAGS (\\Flagged)\r\n");
    // RFC 7162 3.1.3: UNCHANGEDSINCE 0 fails for every message.
    EXPECT_EQ(out.find("b OK [MODIFIED 1:2] UID STORE completed\r\n"), 0u) << out;
    const auto m2 = msg(2);
    EXPECT_NE(out.find("* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (" + n(m2.modseq) +
                       "))\r\nc OK UID STORE completed"),
              std::string::npos)
        << out;
    EXPECT_TRUE(msg(1).flags.empty());
}

// RFC 7162 3.1.5: SEARCH MODSEQ ends with the highest modseq of the matches.
TEST_F(CondstoreTest, SearchModseqReturnsHighestModseq) {
    deliver(kMsg);
    deliver(kMsg);
    deliver(kMsg);
    const std::uint64_t since = inbox().highest_modseq;
    flag(1, "\\Seen");
    flag(3, "\\Seen");
    const std::string out = selected(
        "b SEARCH MODSEQ " + n(since + 1) + "\r\nc SEARCH MODSEQ " + n(inbox().highest_modseq + 1) +
        "\r\nd UID SEARCH RETURN (ALL) MODSEQ " + n(since + 1) + "\r\n");
    const std::string top = n(msg(3).modseq);
    EXPECT_EQ(out.find("* SEARCH 1 3 (MODSEQ " + top + ")\r\nb OK"), 0u) << out;
    EXPECT_NE(out.find("* SEARCH\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"d\") UID ALL 1,3 MODSEQ " + top + "\r\nd OK"),
              std::string::npos)
        << out;
}

TEST_F(CondstoreTest, UnsolicitedFetchCarriesModseqOnceEnabled) {
    deliver(kMsg);
    SessionSetup s;
    s.allow_plaintext = true;
    s.chunk = 1;
    s.hook_after = "c OK";
    s.hook = [&] { flag(1, "\\Flagged"); };
    const std::string out =
        session(login() + "b ENABLE CONDSTORE\r\nc SELECT INBOX\r\nd NOOP\r\n", s);
    EXPECT_NE(
        out.find("* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (" + n(msg(1).modseq) + "))\r\nd OK"),
        std::string::npos)
        << out;
}

// RFC 7162 3.2.5.1: SELECT (QRESYNC (uidvalidity modseq [known-uids]))
// sends VANISHED (EARLIER) and FETCH of what changed.
TEST_F(CondstoreTest, QresyncSelectReportsVanishedAndChanged) {
    for (int i = 0; i < 5; ++i)
        deliver(kMsg);
    const auto box = inbox();
    const std::uint64_t known = box.highest_modseq;
    ASSERT_TRUE(store_->expunge(box.id, {2, 4}));
    flag(3, "\\Answered");
    const std::string validity = n(box.uid_validity);
    const std::string out = logged_in("b SELECT INBOX (QRESYNC (" + validity + " " + n(known) +
                                      "))\r\n"
                                      "c ENABLE QRESYNC\r\n"
                                      "d SELECT INBOX (QRESYNC (" +
                                      validity + " " + n(known) +
                                      "))\r\n"
                                      "e EXAMINE INBOX (QRESYNC (" +
                                      validity + " " + n(known) +
                                      " 1:3 (1:2 1:3)))\r\n"
                                      "f SELECT INBOX (QRESYNC (" +
                                      n(box.uid_validity + 1) + " " + n(known) + "))\r\n");
    EXPECT_NE(out.find("b BAD"), std::string::npos) << out;
    const std::string d = out.substr(out.find("c OK"), out.find("d OK") - out.find("c OK"));
    EXPECT_NE(d.find("* VANISHED (EARLIER) 2,4\r\n* 2 FETCH (UID 3 FLAGS (\\Answered) MODSEQ (" +
                     n(msg(3).modseq) + "))\r\n"),
              std::string::npos)
        << out;
    const std::string e = out.substr(out.find("d OK"), out.find("e OK") - out.find("d OK"));
    EXPECT_NE(e.find("* OK [CLOSED]"), std::string::npos) << out;
    EXPECT_NE(e.find("* VANISHED (EARLIER) 2\r\n"), std::string::npos) << out;
    const std::string f = out.substr(out.find("e OK"));
    EXPECT_EQ(f.find("VANISHED"), std::string::npos) << out;
    EXPECT_EQ(f.find("FETCH"), std::string::npos) << out;
    EXPECT_NE(f.find("f OK [READ-WRITE]"), std::string::npos) << out;
}

// RFC 7162 3.2.10: after ENABLE QRESYNC, expunges are VANISHED, not EXPUNGE.
TEST_F(CondstoreTest, QresyncReportsExpungesAsVanished) {
    deliver(kMsg);
    deliver(kMsg);
    deliver(kMsg);
    const std::string out = logged_in(
        "b ENABLE QRESYNC\r\nc SELECT INBOX\r\nd STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n"
        "e EXPUNGE\r\n");
    const std::string e = out.substr(out.find("d OK"));
    EXPECT_EQ(e.find("EXPUNGE\r\n"), std::string::npos) << out;
    EXPECT_NE(e.find("* VANISHED 1:2\r\ne OK [HIGHESTMODSEQ " + n(inbox().highest_modseq) +
                     "] EXPUNGE completed"),
              std::string::npos)
        << out;
}

// RFC 7162 3.2.6: UID FETCH ... (CHANGEDSINCE n VANISHED).
TEST_F(CondstoreTest, UidFetchVanishedNeedsQresyncAndListsExpunged) {
    for (int i = 0; i < 4; ++i)
        deliver(kMsg);
    const auto box = inbox();
    const std::uint64_t since = box.highest_modseq;
    ASSERT_TRUE(store_->expunge(box.id, {1, 3}));
    flag(4, "\\Seen");
    const std::string out =
        logged_in("b SELECT INBOX\r\nc UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + n(since) +
                  " VANISHED)\r\nd ENABLE QRESYNC\r\nd2 UNSELECT\r\nd3 ENABLE QRESYNC\r\n"
                  "e SELECT INBOX\r\nf UID FETCH 2:* (FLAGS) (CHANGEDSINCE " +
                  n(since) + " VANISHED)\r\n");
    EXPECT_NE(out.find("c BAD VANISHED needs ENABLE QRESYNC"), std::string::npos) << out;
    EXPECT_NE(out.find("d BAD ENABLE is not valid in this state"), std::string::npos) << out;
    const std::string f = out.substr(out.find("e OK"));
    EXPECT_NE(f.find("* VANISHED (EARLIER) 3\r\n* 2 FETCH (UID 4 FLAGS (\\Seen) MODSEQ (" +
                     n(msg(4).modseq) + "))\r\nf OK UID FETCH completed"),
              std::string::npos)
        << out;
}

}  // namespace
}  // namespace tern::imap::test

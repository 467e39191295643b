// IMAP transcripts, authenticated state: LIST (patterns, attributes,
// LIST-EXTENDED, LIST-STATUS), LSUB, CREATE, DELETE, RENAME, SUBSCRIBE,
// UNSUBSCRIBE, STATUS, SELECT/EXAMINE, CLOSE, UNSELECT, EXPUNGE, CHECK,
// and mailbox isolation between accounts.
#include "accounts/password.hpp"
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

TEST_F(ImapSessionTest, ListAllWithSpecialUseAndChildren) {
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Work", ""));
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Work/2026", ""));
    const std::string out = logged_in("b LIST \"\" *\r\n");
    EXPECT_EQ(out.find("* LIST (\\HasNoChildren) \"/\" INBOX\r\n"), 0u) << out;
    EXPECT_NE(out.find("* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"), std::string::npos);
    EXPECT_NE(out.find("* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"), std::string::npos);
    EXPECT_NE(out.find("* LIST (\\HasChildren) \"/\" Work\r\n"), std::string::npos);
    EXPECT_NE(out.find("* LIST (\\HasNoChildren) \"/\" Work/2026\r\n"), std::string::npos);
    EXPECT_NE(out.find("b OK LIST completed"), std::string::npos);
}

TEST_F(ImapSessionTest, ListPercentStopsAtDelimiterAndEmptyPattern) {
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Work/2026/Q1", ""));
    const std::string out = logged_in(
        "b LIST \"\" %\r\nc LIST \"Work/\" %\r\nd LIST \"\" \"\"\r\ne LIST \"\" inbox\r\n");
    const std::string b = out.substr(0, out.find("b OK"));
    // Work/2026/Q1 has no stored superiors: they show as \Noselect.
    EXPECT_NE(b.find("* LIST (\\Noselect \\HasChildren) \"/\" Work\r\n"), std::string::npos) << b;
    EXPECT_EQ(b.find("Work/2026"), std::string::npos) << b;
    const std::string c = out.substr(out.find("b OK"), out.find("c OK") - out.find("b OK"));
    EXPECT_NE(c.find("\"/\" Work/2026\r\n"), std::string::npos) << c;
    EXPECT_EQ(c.find("Q1"), std::string::npos) << c;
    EXPECT_NE(out.find("* LIST (\\Noselect) \"/\" \"\"\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* LIST (\\HasNoChildren) \"/\" INBOX\r\ne OK"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, ListExtendedSelectionAndReturnStatus) {
    deliver("Subject: a\r\n\r\nhello\r\n");
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Hidden", ""));
    ASSERT_TRUE(store_->set_subscribed(alice_.id, "Hidden", false));
    const std::string out = logged_in(
        "b LIST (SUBSCRIBED) \"\" * RETURN (STATUS (MESSAGES UNSEEN))\r\n"
        "c LIST (SPECIAL-USE) \"\" *\r\n");
    const std::string b = out.substr(0, out.find("b OK"));
    EXPECT_NE(b.find("* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\n"), std::string::npos)
        << b;
    EXPECT_EQ(b.find("Hidden"), std::string::npos) << b;
    EXPECT_NE(b.find("* STATUS INBOX (MESSAGES 1 UNSEEN 1)\r\n"), std::string::npos) << b;
    const std::string c = out.substr(out.find("b OK"));
    EXPECT_NE(c.find("\\Drafts) \"/\" Drafts\r\n"), std::string::npos) << c;
    EXPECT_EQ(c.find("INBOX"), std::string::npos) << c;
}

TEST_F(ImapSessionTest, CreateMakesParentsAndRefusesDuplicates) {
    const std::string out = logged_in(
        "b CREATE a/b/c\r\nc CREATE a/b/c\r\nd CREATE \"bad*name\"\r\ne CREATE x/\r\n"
        "f CREATE Mine (USE (\\Flagged))\r\n");
    EXPECT_NE(out.find("b OK CREATE completed"), std::string::npos) << out;
    EXPECT_NE(out.find("c NO [ALREADYEXISTS]"), std::string::npos) << out;
    EXPECT_NE(out.find("d NO [CANNOT]"), std::string::npos) << out;
    EXPECT_NE(out.find("e OK"), std::string::npos) << out;
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "a"));
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "a/b"));
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "a/b/c"));
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "x"));
    EXPECT_EQ(store_->find_mailbox(alice_.id, "Mine")->special_use, "\\Flagged");
}

TEST_F(ImapSessionTest, DeleteAndRename) {
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Old", ""));
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Old/Kid", ""));
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Gone", ""));
    const std::string out = logged_in(
        "b RENAME Old New/Place\r\nc RENAME Missing X\r\nd RENAME Gone Sent\r\n"
        "e DELETE Gone\r\nf DELETE Gone\r\ng DELETE INBOX\r\n");
    EXPECT_NE(out.find("b OK RENAME completed"), std::string::npos) << out;
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "New/Place"));
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "New/Place/Kid"));
    EXPECT_FALSE(store_->find_mailbox(alice_.id, "Old"));
    EXPECT_NE(out.find("c NO [NONEXISTENT]"), std::string::npos) << out;
    EXPECT_NE(out.find("d NO [ALREADYEXISTS]"), std::string::npos) << out;
    EXPECT_NE(out.find("e OK DELETE completed"), std::string::npos) << out;
    EXPECT_NE(out.find("f NO [NONEXISTENT]"), std::string::npos) << out;
    EXPECT_NE(out.find("g NO [CANNOT]"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, SubscribeUnsubscribeLsub) {
    ASSERT_TRUE(store_->create_mailbox(alice_.id, "Lists", ""));
    const std::string out = logged_in(
        "b SUBSCRIBE Lists\r\nc LSUB \"\" L*\r\nd UNSUBSCRIBE Lists\r\ne LSUB \"\" L*\r\n");
    EXPECT_NE(out.find("* LSUB () \"/\" Lists\r\nc OK LSUB completed"), std::string::npos) << out;
    EXPECT_NE(out.find("d OK UNSUBSCRIBE completed\r\ne OK LSUB completed"), std::string::npos)
        << out;
}

TEST_F(ImapSessionTest, StatusItems) {
    const std::string m1 = "Subject: a\r\n\r\nhello\r\n";
    const std::string m2 = "Subject: b\r\n\r\nworld!\r\n";
    deliver(m1, "INBOX", {"\\Seen"});
    deliver(m2, "INBOX", {"\\Deleted"});
    const auto box = *store_->find_mailbox(alice_.id, "INBOX");
    const std::string out = logged_in(
        "b STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE DELETED HIGHESTMODSEQ)\r\n"
        "c STATUS Nope (MESSAGES)\r\n");
    const std::string size = std::to_string(m1.size() + m2.size());
    EXPECT_NE(out.find("* STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY " +
                       std::to_string(box.uid_validity) + " UNSEEN 1 SIZE " + size +
                       " DELETED 1 HIGHESTMODSEQ "),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("c NO [NONEXISTENT]"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, SelectResponses) {
    deliver("Subject: a\r\n\r\nx\r\n", "INBOX", {"\\Seen"});
    deliver("Subject: b\r\n\r\ny\r\n", "INBOX", {"$Label1"});
    const auto box = *store_->find_mailbox(alice_.id, "INBOX");
    const std::string out = logged_in(
        "b SELECT INBOX\r\nc EXAMINE INBOX\r\nd SELECT Nope\r\n"
        "e FETCH 1 FLAGS\r\n");
    EXPECT_NE(out.find("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)\r\n"
                       "* 2 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 2] first unseen\r\n"
                       "* OK [UIDVALIDITY " +
                       std::to_string(box.uid_validity) +
                       "] UIDs valid\r\n* OK [UIDNEXT 3] predicted next UID\r\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)]"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("b OK [READ-WRITE] SELECT completed"), std::string::npos) << out;
    EXPECT_NE(out.find("* OK [CLOSED]"), std::string::npos) << out;
    EXPECT_NE(out.find("* OK [PERMANENTFLAGS ()]"), std::string::npos) << out;
    EXPECT_NE(out.find("c OK [READ-ONLY] EXAMINE completed"), std::string::npos) << out;
    // A failed SELECT leaves no mailbox selected (RFC 9051 6.3.2).
    EXPECT_NE(out.find("d NO [NONEXISTENT]"), std::string::npos) << out;
    EXPECT_NE(out.find("e BAD FETCH is not valid in this state"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, ExpungeCloseUnselect) {
    deliver("Subject: 1\r\n\r\n1\r\n", "INBOX", {"\\Deleted"});
    deliver("Subject: 2\r\n\r\n2\r\n");
    deliver("Subject: 3\r\n\r\n3\r\n", "INBOX", {"\\Deleted"});
    const std::string out = selected("b EXPUNGE\r\nc CHECK\r\nd UNSELECT\r\ne FETCH 1 UID\r\n");
    EXPECT_EQ(out.find("* 3 EXPUNGE\r\n* 1 EXPUNGE\r\nb OK EXPUNGE completed"), 0u) << out;
    EXPECT_EQ(messages().size(), 1u);
    EXPECT_NE(out.find("c OK CHECK completed\r\nd OK UNSELECT completed"), std::string::npos);
    EXPECT_NE(out.find("e BAD"), std::string::npos) << out;

    deliver("Subject: 4\r\n\r\n4\r\n", "INBOX", {"\\Deleted"});
    const std::string closed = selected("b CLOSE\r\n");
    EXPECT_EQ(closed, "b OK CLOSE completed\r\n");  // silently expunged
    EXPECT_EQ(messages().size(), 1u);
}

TEST_F(ImapSessionTest, UidExpungeOnlyTouchesTheSet) {
    const auto u1 = deliver("Subject: 1\r\n\r\n1\r\n", "INBOX", {"\\Deleted"});
    deliver("Subject: 2\r\n\r\n2\r\n", "INBOX", {"\\Deleted"});
    const std::string out = selected("b UID EXPUNGE " + std::to_string(u1) + "\r\n");
    EXPECT_EQ(out, "* 1 EXPUNGE\r\nb OK UID EXPUNGE completed\r\n");
    EXPECT_EQ(messages().size(), 1u);
}

TEST_F(ImapSessionTest, ExamineIsReadOnly) {
    deliver("Subject: 1\r\n\r\n1\r\n", "INBOX", {"\\Deleted"});
    const std::string out = logged_in(
        "b EXAMINE INBOX\r\nc EXPUNGE\r\nd STORE 1 +FLAGS \\Seen\r\n"
        "e FETCH 1 BODY[]\r\nf CLOSE\r\n");
    EXPECT_NE(out.find("c NO [READ-ONLY]"), std::string::npos) << out;
    EXPECT_NE(out.find("d NO [READ-ONLY]"), std::string::npos) << out;
    EXPECT_EQ(messages().size(), 1u);  // CLOSE on EXAMINE expunges nothing
    EXPECT_EQ(messages()[0].flags, std::vector<std::string>{"\\Deleted"});  // no \Seen
}

TEST_F(ImapSessionTest, MailboxesOfOtherAccountsAreInvisible) {
    auto hash = accounts::hash_password("pw", accounts::Argon2Params{1024, 1, 1});
    auto bob = store_->add_account("bob@example.test", *hash, 0);
    ASSERT_TRUE(bob);
    ASSERT_TRUE(store_->create_mailbox(bob->id, "BobSecret", ""));
    const std::string out = logged_in(
        "b LIST \"\" *\r\nc SELECT BobSecret\r\n"
        "d STATUS BobSecret (MESSAGES)\r\ne DELETE BobSecret\r\n");
    EXPECT_EQ(out.find("BobSecret\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("c NO [NONEXISTENT]"), std::string::npos);
    EXPECT_NE(out.find("d NO [NONEXISTENT]"), std::string::npos);
    EXPECT_NE(out.find("e NO [NONEXISTENT]"), std::string::npos);
    EXPECT_TRUE(store_->find_mailbox(bob->id, "BobSecret"));
}

}  // namespace
}  // namespace tern::imap::test

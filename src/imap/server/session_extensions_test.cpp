// IMAP transcripts, extensions: ESEARCH (RFC 4731), SEARCHRES (RFC 5182),
// QUOTA (RFC 9208), APPENDLIMIT (RFC 7889), IMAP4rev2 (RFC 9051), WITHIN
// (RFC 5032), STATUS=SIZE (RFC 8438), UNSELECT (RFC 3691) and CHILDREN, and
// the capabilities that advertise them. RFC examples are adapted to the
// messages delivered here.
#include <ctime>

#include "imap/proto/reader.hpp"
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

const std::string kMsg = "From: Bob <bob@example.test>\r\nSubject: Hello\r\n\r\nBody line\r\n";

std::string literal(const std::string& s) {
    return "{" + std::to_string(s.size()) + "+}\r\n" + s;
}

std::string limit_text() {
    return std::to_string(ReaderLimits{}.max_literal_size);
}

TEST_F(ImapSessionTest, CapabilitiesAdvertiseTheExtensions) {
    const std::string out = logged_in("b CAPABILITY\r\n");
    const std::string caps = lines_with(out, "* CAPABILITY");
    for (const char* cap : {" IMAP4rev1 ", " IMAP4rev2 ", " CONDSTORE ", " QRESYNC ", " ESEARCH ",
                            " SEARCHRES ", " QUOTA ", " QUOTA=RES-STORAGE ", " WITHIN ",
                            " UNSELECT ", " CHILDREN ", " STATUS=SIZE "})
        EXPECT_NE(caps.find(cap), std::string::npos) << cap << " in " << caps;
    EXPECT_NE(caps.find(" APPENDLIMIT=" + limit_text() + "\r\n"), std::string::npos) << caps;
}

// RFC 4731 3.1 examples (A282, A283, A285), adapted: MIN/COUNT, empty
// result, "RETURN ()" meaning ALL, and the UID form.
TEST_F(ImapSessionTest, EsearchReturnOptions) {
    deliver(kMsg, "INBOX", {"\\Seen"});
    deliver(kMsg, "INBOX", {"\\Flagged"});
    deliver(kMsg, "INBOX", {"\\Seen"});
    deliver(kMsg, "INBOX", {"\\Flagged"});
    deliver(kMsg, "INBOX", {"\\Flagged"});
    const std::string out = selected(
        "b SEARCH RETURN (MIN COUNT) FLAGGED\r\n"
        "c SEARCH RETURN (MIN MAX COUNT ALL) DRAFT\r\n"
        "d SEARCH RETURN () UNSEEN\r\n"
        "e UID SEARCH RETURN (MAX ALL) SEEN\r\n"
        "f SEARCH RETURN (COUNT MAX) ALL\r\n");
    EXPECT_EQ(out.find("* ESEARCH (TAG \"b\") MIN 2 COUNT 3\r\nb OK SEARCH completed"), 0u) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"c\") COUNT 0\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"d\") ALL 2,4:5\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"e\") UID MAX 3 ALL 1,3\r\ne OK UID SEARCH"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"f\") MAX 5 COUNT 5\r\nf OK"), std::string::npos) << out;
    EXPECT_EQ(out.find("* SEARCH"), std::string::npos) << out;
}

// RFC 5182 2.1-2.4: SAVE keeps the result for "$" in FETCH, STORE, SEARCH
// and the UID forms; SAVE alone sends no ESEARCH; SAVE with MIN keeps the
// minimum only; a failed SEARCH ... SAVE empties "$"; SELECT resets it.
TEST_F(ImapSessionTest, SearchresSavesResultForDollar) {
    deliver(kMsg);
    deliver(kMsg, "INBOX", {"\\Flagged"});
    deliver(kMsg);
    deliver(kMsg, "INBOX", {"\\Flagged"});
    const std::string out = selected(
        "b SEARCH RETURN (SAVE) FLAGGED\r\n"
        "c FETCH $ (UID)\r\n"
        "d UID SEARCH UID $\r\n"
        "e STORE $ +FLAGS.SILENT (\\Seen)\r\n"
        "f UID SEARCH RETURN (SAVE MIN) FLAGGED\r\n"
        "g UID FETCH $ (FLAGS)\r\n"
        "h SEARCH RETURN (SAVE) CHARSET KOI8-R FLAGGED\r\n"
        "i FETCH $ (UID)\r\n"
        "j SEARCH RETURN (SAVE ALL) FLAGGED\r\n"
        "k SELECT INBOX\r\n"
        "l FETCH $ (UID)\r\n");
    EXPECT_EQ(out.find("b OK SEARCH completed\r\n* 2 FETCH (UID 2)\r\n* 4 FETCH (UID 4)\r\nc OK"),
              0u)
        << out;
    EXPECT_NE(out.find("* SEARCH 2 4\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"f\") UID MIN 2\r\nf OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen))\r\ng OK"), std::string::npos)
        << out;
    EXPECT_NE(out.find("h NO [BADCHARSET"), std::string::npos) << out;
    EXPECT_NE(out.find("h NO [BADCHARSET (US-ASCII UTF-8)] unsupported charset\r\ni OK"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"j\") ALL 2,4\r\nj OK"), std::string::npos) << out;
    EXPECT_NE(out.find("k OK [READ-WRITE]"), std::string::npos) << out;
    EXPECT_NE(out.find("k OK [READ-WRITE] SELECT completed\r\nl OK FETCH completed"),
              std::string::npos)
        << out;
    const auto msgs = messages();
    EXPECT_EQ(msgs[1].flags, (std::vector<std::string>{"\\Flagged", "\\Seen"}));
    EXPECT_EQ(msgs[3].flags, (std::vector<std::string>{"\\Flagged", "\\Seen"}));
    EXPECT_TRUE(msgs[0].flags.empty());
}

TEST_F(ImapSessionTest, SearchresSurvivesExpungeAndUidExpungeDollar) {
    deliver(kMsg, "INBOX", {"\\Deleted"});
    deliver(kMsg, "INBOX", {"\\Deleted"});
    deliver(kMsg, "INBOX", {"\\Deleted"});
    const std::string out = selected(
        "b UID SEARCH RETURN (SAVE) UID 2:3\r\nc UID EXPUNGE $\r\nd FETCH $ (UID)\r\n"
        "e FETCH 1:* (UID)\r\n");
    EXPECT_NE(out.find("* 3 EXPUNGE\r\n* 2 EXPUNGE\r\nc OK"), std::string::npos) << out;
    // RFC 5182 2.1: expunged messages leave "$"; nothing is left in it.
    EXPECT_NE(out.find("c OK UID EXPUNGE completed\r\nd OK FETCH completed"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* 1 FETCH (UID 1)\r\ne OK"), std::string::npos) << out;
}

// RFC 9208 4.1.1-4.1.3 (examples A003, G0001, S0000), adapted.
TEST_F(ImapSessionTest, QuotaRootAndStorageInKib) {
    ASSERT_TRUE(store_->set_quota(kUser, 10u << 20));
    deliver(std::string(3000, 'x'));
    const std::string out = logged_in(
        "b GETQUOTAROOT INBOX\r\nc GETQUOTA \"\"\r\nd GETQUOTA \"other\"\r\n"
        "e SETQUOTA \"\" (STORAGE 512)\r\nf GETQUOTAROOT Nowhere\r\n");
    // 3000 octets are 3 KiB rounded up; the limit is 10240 KiB.
    EXPECT_EQ(out.find("* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 3 10240)\r\nb OK"), 0u)
        << out;
    EXPECT_NE(out.find("* QUOTA \"\" (STORAGE 3 10240)\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("d NO [NONEXISTENT]"), std::string::npos) << out;
    EXPECT_NE(out.find("e NO [NOPERM]"), std::string::npos) << out;
    EXPECT_NE(out.find("f NO [NONEXISTENT]"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, QuotaUnlimitedHasNoRootAndAppendOverQuotaFails) {
    const std::string free = logged_in("b GETQUOTAROOT INBOX\r\nc GETQUOTA \"\"\r\n");
    EXPECT_EQ(free.find("* QUOTAROOT INBOX\r\nb OK"), 0u) << free;
    EXPECT_NE(free.find("c NO [NONEXISTENT]"), std::string::npos) << free;
    ASSERT_TRUE(store_->set_quota(kUser, 100));
    const std::string out = logged_in("b APPEND INBOX " + literal(std::string(200, 'y')) + "\r\n");
    EXPECT_NE(out.find("b NO [OVERQUOTA]"), std::string::npos) << out;  // RFC 9208 4.3.1
    EXPECT_TRUE(messages().empty());
}

// RFC 3502 3: MULTIAPPEND stores all of its messages or none of them.
TEST_F(ImapSessionTest, MultiappendIsAllOrNothing) {
    ASSERT_TRUE(store_->set_quota(kUser, 300));
    const std::string out =
        logged_in("b APPEND INBOX " + literal(std::string(100, 'a')) + " " +
                  literal(std::string(100, 'b')) + " " + literal(std::string(150, 'c')) + "\r\n");
    EXPECT_NE(out.find("b NO [OVERQUOTA]"), std::string::npos) << out;
    EXPECT_TRUE(messages().empty());  // the first two were not kept either
    const std::string fits = logged_in("c APPEND INBOX " + literal(std::string(100, 'a')) + " " +
                                       literal(std::string(100, 'b')) + "\r\n");
    EXPECT_NE(fits.find("c OK [APPENDUID "), std::string::npos) << fits;
    EXPECT_EQ(messages().size(), 2u);
}

// RFC 7889 3.2 and RFC 5819: APPENDLIMIT in STATUS and LIST RETURN STATUS.
TEST_F(ImapSessionTest, AppendlimitInStatusAndListStatus) {
    const std::string out = logged_in(
        "b STATUS INBOX (APPENDLIMIT)\r\n"
        "c LIST \"\" INBOX RETURN (STATUS (APPENDLIMIT MESSAGES))\r\n");
    EXPECT_NE(out.find("* STATUS INBOX (APPENDLIMIT " + limit_text() + ")\r\nb OK"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* STATUS INBOX (APPENDLIMIT " + limit_text() + " MESSAGES 0)\r\nc OK"),
              std::string::npos)
        << out;
}

TEST_F(ImapSessionTest, StatusSizeDeletedAndDeletedStorage) {
    deliver(std::string(1500, 'a'), "INBOX", {"\\Deleted"});
    deliver(std::string(700, 'b'));
    const std::string out = logged_in("b STATUS INBOX (SIZE DELETED DELETED-STORAGE MESSAGES)\r\n");
    EXPECT_NE(out.find("* STATUS INBOX (SIZE 2200 DELETED 1 DELETED-STORAGE 2 MESSAGES 2)"),
              std::string::npos)
        << out;
}

// RFC 9051 6.3.1 and Appendix E: after ENABLE IMAP4rev2, SELECT sends a
// LIST and neither RECENT nor UNSEEN, SEARCH answers ESEARCH, names are UTF-8.
TEST_F(ImapSessionTest, Imap4rev2Behaviours) {
    deliver(kMsg);
    deliver(kMsg, "INBOX", {"\\Seen"});
    const std::string out = logged_in(
        "b ENABLE IMAP4rev2\r\nc SELECT INBOX\r\nd SEARCH SEEN\r\ne UID SEARCH DRAFT\r\n"
        "f CREATE \"Caf\xC3\xA9\"\r\ng LIST \"\" \"Caf*\"\r\nh STATUS \"Caf\xC3\xA9\" "
        "(MESSAGES)\r\n");
    EXPECT_NE(out.find("* ENABLED IMAP4rev2\r\nb OK"), std::string::npos) << out;
    const std::string c = out.substr(out.find("b OK"), out.find("c OK") - out.find("b OK"));
    EXPECT_NE(c.find("* 2 EXISTS\r\n* LIST (\\HasNoChildren) \"/\" INBOX\r\n"), std::string::npos)
        << out;
    EXPECT_EQ(c.find("RECENT"), std::string::npos) << out;
    EXPECT_EQ(c.find("[UNSEEN"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"d\") ALL 2\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"e\") UID\r\ne OK"), std::string::npos) << out;
    EXPECT_TRUE(store_->find_mailbox(alice_.id, "Caf\xC3\xA9"));
    EXPECT_NE(out.find("* LIST (\\HasNoChildren) \"/\" \"Caf\xC3\xA9\"\r\ng OK"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* STATUS \"Caf\xC3\xA9\" (MESSAGES 0)\r\nh OK"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, Imap4rev1StillGetsRecentAndPlainSearch) {
    deliver(kMsg);
    const std::string out = logged_in("c SELECT INBOX\r\nd SEARCH ALL\r\n");
    EXPECT_NE(out.find("* 0 RECENT\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("* OK [UNSEEN 1]"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 1\r\nd OK"), std::string::npos) << out;
}

// RFC 5032 3: OLDER and YOUNGER compare the internal date with now.
TEST_F(ImapSessionTest, WithinOlderAndYounger) {
    const std::int64_t now = std::time(nullptr);
    deliver(kMsg, "INBOX", {}, now - 10 * 86400);
    deliver(kMsg, "INBOX", {}, now - 60);
    const std::string out = selected("b SEARCH YOUNGER 3600\r\nc SEARCH OLDER 86400\r\n");
    EXPECT_NE(out.find("* SEARCH 2\r\nb OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SEARCH 1\r\nc OK"), std::string::npos) << out;
}

// RFC 3691 2 and RFC 3348: UNSELECT leaves \Deleted messages; LIST shows
// \HasChildren on a parent.
TEST_F(ImapSessionTest, UnselectKeepsDeletedAndChildrenAttributes) {
    deliver(kMsg, "INBOX", {"\\Deleted"});
    const std::string out =
        selected("b UNSELECT\r\nc FETCH 1 UID\r\nd CREATE Work/Plans\r\ne LIST \"\" \"Work*\"\r\n");
    EXPECT_NE(out.find("b OK UNSELECT completed\r\nc BAD"), std::string::npos) << out;
    EXPECT_EQ(messages().size(), 1u);
    EXPECT_NE(out.find("* LIST (\\HasChildren) \"/\" Work\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("* LIST (\\HasNoChildren) \"/\" Work/Plans\r\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace tern::imap::test

// IMAP transcripts: SORT, UID SORT and ESORT (RFC 5256 3, RFC 5957, RFC
// 5267), THREAD and UID THREAD (RFC 5256 4), over messages built so that
// each sort key and threading rule gives a different order.
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

std::string mail(const std::string& headers, std::size_t body_size = 10) {
    return headers + "\r\n" + std::string(body_size, 'x') + "\r\n";
}

// Four messages: the comments give each one's keys.
class SortTest : public ImapSessionTest {
  protected:
    void SetUp() override {
        // 1: from zed, to amy (display Zoe), cc bob, "Re: Banana",
        //    sent 1994-02-08 05:52:25 UTC, arrival 1000, body 600.
        deliver(mail("From: Zed <zed@example.test>\r\nTo: Zoe <amy@example.test>\r\n"
                     "Cc: bob@example.test\r\nSubject: Re: Banana\r\n"
                     "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n",
                     600),
                "INBOX", {"\\Flagged"}, 1000);
        // 2: from yves (display Anna), to Carl, "apple", sent 05:00 UTC
        //    (06:00 +0100), arrival 3000, body 10.
        deliver(mail("From: Anna <yves@example.test>\r\nTo: Carl <carl@example.test>\r\n"
                     "Subject: apple\r\nDate: Tue, 8 Feb 1994 06:00:00 +0100\r\n"),
                "INBOX", {}, 3000);
        // 3: from mia (no display name), no To, "[list] Cherry (fwd)", no
        //    Date (sent = arrival 2000), body 300.
        deliver(mail("From: mia@example.test\r\nSubject: [list] Cherry (fwd)\r\n", 300), "INBOX",
                {}, 2000);
        // 4: like 2 but from abe and encoded subject "APPLE", arrival 4000,
        //    body 900.
        deliver(mail("From: Anna <abe@example.test>\r\nTo: Carl <carl@example.test>\r\n"
                     "Subject: =?UTF-8?Q?APPLE?=\r\nDate: Tue, 8 Feb 1994 06:00:00 +0100\r\n",
                     900),
                "INBOX", {"\\Flagged"}, 4000);
    }
};

TEST_F(SortTest, EachSortKey) {
    const std::string out = selected(
        "a SORT (ARRIVAL) UTF-8 ALL\r\n"
        "b SORT (DATE) UTF-8 ALL\r\n"
        "c SORT (SUBJECT) UTF-8 ALL\r\n"
        "d SORT (FROM) UTF-8 ALL\r\n"
        "e SORT (TO) UTF-8 ALL\r\n"
        "f SORT (CC) UTF-8 ALL\r\n"
        "g SORT (SIZE) UTF-8 ALL\r\n"
        "h SORT (DISPLAYFROM) UTF-8 ALL\r\n"
        "i SORT (DISPLAYTO) US-ASCII ALL\r\n");
    const char* expected[] = {
        "* SORT 1 3 2 4\r\na OK SORT completed\r\n",
        // Date normalised to UTC; no Date: the internal date; ties by number.
        "* SORT 3 2 4 1\r\nb OK SORT completed\r\n",
        // Base subjects APPLE, APPLE, BANANA, CHERRY (decoded, case-folded).
        "* SORT 2 4 1 3\r\nc OK SORT completed\r\n",
        "* SORT 4 3 2 1\r\nd OK SORT completed\r\n",  // addr-mailbox, not the name
        "* SORT 3 1 2 4\r\ne OK SORT completed\r\n",  // no To sorts first
        "* SORT 2 3 4 1\r\nf OK SORT completed\r\n", "* SORT 2 3 1 4\r\ng OK SORT completed\r\n",
        // RFC 5957: ANNA, ANNA, MIA@EXAMPLE.TEST, ZED.
        "* SORT 2 4 3 1\r\nh OK SORT completed\r\n",
        "* SORT 3 2 4 1\r\ni OK SORT completed\r\n",  // "", CARL, CARL, ZOE
    };
    std::size_t at = 0;
    for (const char* e : expected) {
        const std::size_t found = out.find(e, at);
        ASSERT_NE(found, std::string::npos) << e << "in\n" << out;
        at = found;
    }
}

TEST_F(SortTest, ReverseSeveralKeysAndSearchKeys) {
    const std::string out = selected(
        "a SORT (REVERSE ARRIVAL) UTF-8 ALL\r\n"
        "b SORT (SUBJECT REVERSE ARRIVAL) UTF-8 ALL\r\n"
        "c SORT (REVERSE DATE) UTF-8 ALL\r\n"
        "d SORT (SUBJECT) UTF-8 FLAGGED\r\n"
        "e SORT (REVERSE SIZE) UTF-8 OR FROM zed SUBJECT cherry\r\n"
        "f SORT (DATE) UTF-8 SUBJECT nothing-like-this\r\n");
    EXPECT_NE(out.find("* SORT 4 2 3 1\r\na OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT 4 2 1 3\r\nb OK"), std::string::npos) << out;
    // REVERSE does not reverse the tie-break: 2 and 4 share a date.
    EXPECT_NE(out.find("* SORT 1 2 4 3\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT 4 1\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT 1 3\r\ne OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT\r\nf OK"), std::string::npos) << out;
}

TEST_F(SortTest, UidSortAfterExpunge) {
    const std::string out = selected(
        "a STORE 1 +FLAGS.SILENT (\\Deleted)\r\n"
        "b EXPUNGE\r\n"
        "c UID SORT (DATE) UTF-8 ALL\r\n"
        "d SORT (DATE) UTF-8 ALL\r\n"
        "e UID SORT (SUBJECT) UTF-8 UID 3:4\r\n");
    EXPECT_NE(out.find("* SORT 3 2 4\r\nc OK UID SORT completed"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT 2 1 3\r\nd OK SORT completed"), std::string::npos) << out;
    EXPECT_NE(out.find("* SORT 4 3\r\ne OK UID SORT completed"), std::string::npos) << out;
}

// RFC 5256 3: CHARSET is required; only US-ASCII and UTF-8 are known.
TEST_F(SortTest, CharsetAndStateErrors) {
    const std::string out = selected(
        "a SORT (DATE) KOI8-R ALL\r\n"
        "b THREAD REFERENCES ISO-2022-JP ALL\r\n"
        "c THREAD NOSUCHALG UTF-8 ALL\r\n"
        "d SORT (NOSUCHKEY) UTF-8 ALL\r\n");
    EXPECT_NE(out.find("a NO [BADCHARSET (US-ASCII UTF-8)]"), std::string::npos) << out;
    EXPECT_NE(out.find("b NO [BADCHARSET (US-ASCII UTF-8)]"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD"), std::string::npos) << out;
    EXPECT_NE(out.find("d BAD"), std::string::npos) << out;
    EXPECT_EQ(out.find("* SORT"), std::string::npos) << out;
    const std::string unselected = logged_in("b SORT (DATE) UTF-8 ALL\r\n");
    EXPECT_NE(unselected.find("b BAD"), std::string::npos) << unselected;
}

// RFC 5267 3.1: ESORT returns MIN/MAX in sort order and ALL in sort order;
// RFC 5182: SAVE keeps the result for "$"; RFC 7162 3.1.5: MODSEQ.
TEST_F(SortTest, EsortReturnOptionsSaveAndModseq) {
    const std::string out = selected(
        "a SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL\r\n"
        "b SORT RETURN () (TO) UTF-8 ALL\r\n"
        "c UID SORT RETURN (ALL COUNT) (REVERSE SIZE) UTF-8 ALL\r\n"
        "d SORT RETURN (COUNT MIN) (DATE) UTF-8 SUBJECT nothing-like-this\r\n"
        "e SORT RETURN (SAVE) (DATE) UTF-8 FLAGGED\r\n"
        "f FETCH $ (UID)\r\n"
        "g SORT (DATE) UTF-8 MODSEQ 1\r\n");
    EXPECT_NE(out.find("* ESEARCH (TAG \"a\") MIN 3 MAX 1 COUNT 4\r\na OK"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"b\") ALL 3,1:2,4\r\nb OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"c\") UID COUNT 4 ALL 4,1,3,2\r\nc OK"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* ESEARCH (TAG \"d\") COUNT 0\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("e OK SORT completed\r\n* 1 FETCH (UID 1)\r\n* 4 FETCH (UID 4)\r\nf OK"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("* SORT 3 2 4 1 (MODSEQ "), std::string::npos) << out;
}

TEST_F(ImapSessionTest, SortAndThreadCapabilities) {
    const std::string caps = lines_with(logged_in("b CAPABILITY\r\n"), "* CAPABILITY");
    for (const char* cap :
         {" SORT ", " SORT=DISPLAY ", " ESORT ", " THREAD=ORDEREDSUBJECT ", " THREAD=REFERENCES "})
        EXPECT_NE(caps.find(cap), std::string::npos) << cap << " in " << caps;
}

// Seven messages: a reply chain (1 2 3, by In-Reply-To and References),
// a thread whose root is missing (5, 6), and a reply known only by its
// subject (7 to 4, no Message-ID).
class ThreadTest : public ImapSessionTest {
  protected:
    void SetUp() override {
        const auto add = [&](const std::string& headers, const std::string& time) {
            deliver(mail(headers + "Date: Wed, 1 Jan 2020 " + time + " +0000\r\n"));
        };
        add("Message-ID: <a@example.test>\r\nSubject: Plan\r\n", "10:00:00");
        add("Message-ID: <b@example.test>\r\nIn-Reply-To: <a@example.test>\r\n"
            "Subject: Re: Plan\r\n",
            "10:05:00");
        add("Message-ID: <c@example.test>\r\nReferences: <a@example.test>\r\n"
            " <b@example.test>\r\nSubject: RE: Plan\r\n",
            "10:10:00");
        add("Message-ID: <d@example.test>\r\nSubject: Other\r\n", "09:00:00");
        add("Message-ID: <e@example.test>\r\nReferences: <gone@example.test>\r\n"
            "Subject: Lunch\r\n",
            "11:00:00");
        add("Message-ID: <f@example.test>\r\nReferences: <gone@example.test>\r\n"
            "Subject: Re: Lunch\r\n",
            "11:30:00");
        add("Subject: Re: Other\r\n", "12:00:00");
    }
};

TEST_F(ThreadTest, ReferencesAndOrderedSubject) {
    const std::string out = selected(
        "a THREAD REFERENCES UTF-8 ALL\r\n"
        "b THREAD ORDEREDSUBJECT UTF-8 ALL\r\n"
        "c UID THREAD ORDEREDSUBJECT US-ASCII SUBJECT plan\r\n"
        "d THREAD REFERENCES UTF-8 SUBJECT nothing-like-this\r\n"
        "e UID THREAD REFERENCES UTF-8 NOT SUBJECT lunch\r\n");
    // RFC 5256 4: 7 joins 4 by subject; 5 and 6 stay under their dummy.
    EXPECT_NE(out.find("* THREAD (4 7)(1 2 3)((5)(6))\r\na OK THREAD completed"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* THREAD (4 7)(1 (2)(3))(5 6)\r\nb OK THREAD completed"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* THREAD (1 (2)(3))\r\nc OK UID THREAD completed"), std::string::npos)
        << out;
    EXPECT_NE(out.find("* THREAD\r\nd OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* THREAD (4 7)(1 2 3)\r\ne OK"), std::string::npos) << out;
}

}  // namespace
}  // namespace tern::imap::test

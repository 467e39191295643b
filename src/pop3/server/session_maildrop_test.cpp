// POP3 transcripts, TRANSACTION and UPDATE states: every maildrop command,
// its errors, byte-stuffing, sizes, UIDL stability, and when deletions
// reach the store (only after QUIT).
#include "pop3/server/session_fixture.hpp"

namespace tern::pop3::test {
namespace {

const std::string kOne = "Subject: one\r\n\r\nbody one\r\n";                         // 26 octets
const std::string kTwo = "Subject: two\r\n\r\nline 1\r\nline 2\r\nline 3\r\n";       // 40 octets
const std::string kThree = "Subject: three\n\n.starts with a dot\n..two dots\nend";  // bare LFs

TEST_F(Pop3SessionTest, StatListUidlNoop) {
    const uint32_t u1 = deliver(kOne);
    const uint32_t u2 = deliver(kTwo);
    const std::string v = std::to_string(inbox_.uid_validity);
    const std::string out =
        logged_in("STAT\r\nLIST\r\nLIST 2\r\nLIST 3\r\nUIDL\r\nUIDL 1\r\nUIDL 9\r\nNOOP\r\n");
    EXPECT_EQ(out,
              "+OK 2 66\r\n"
              "+OK 2 messages (66 octets)\r\n1 26\r\n2 40\r\n.\r\n"
              "+OK 2 40\r\n"
              "-ERR no such message\r\n"
              "+OK unique-id listing follows\r\n1 " +
                  v + "." + std::to_string(u1) + "\r\n2 " + v + "." + std::to_string(u2) +
                  "\r\n.\r\n"
                  "+OK 1 " +
                  v + "." + std::to_string(u1) +
                  "\r\n"
                  "-ERR no such message\r\n"
                  "+OK\r\n");
}

TEST_F(Pop3SessionTest, RetrAndTop) {
    deliver(kOne);
    deliver(kTwo);
    const std::string out =
        logged_in("RETR 2\r\nTOP 2 0\r\nTOP 2 2\r\nTOP 2 99\r\nRETR 3\r\nTOP 3 1\r\n");
    EXPECT_EQ(out, "+OK 40 octets\r\n" + kTwo + ".\r\n" +
                       "+OK top of message follows\r\nSubject: two\r\n\r\n.\r\n"
                       "+OK top of message follows\r\nSubject: two\r\n\r\nline 1\r\nline 2\r\n.\r\n"
                       "+OK top of message follows\r\n" +
                       kTwo + ".\r\n" + "-ERR no such message\r\n-ERR no such message\r\n");
}

TEST_F(Pop3SessionTest, ByteStuffingAndBareLfSizes) {
    deliver(kThree);
    const std::string wire =
        "Subject: three\r\n\r\n..starts with a dot\r\n...two dots\r\nend\r\n.\r\n";
    // The size is that of the message with CRLF line ends, before stuffing.
    const std::string sent = "Subject: three\r\n\r\n.starts with a dot\r\n..two dots\r\nend";
    const std::string n = std::to_string(sent.size());
    EXPECT_EQ(
        logged_in("LIST\r\nRETR 1\r\nTOP 1 1\r\n"),
        "+OK 1 messages (" + n + " octets)\r\n1 " + n + "\r\n.\r\n+OK " + n + " octets\r\n" + wire +
            "+OK top of message follows\r\nSubject: three\r\n\r\n..starts with a dot\r\n.\r\n");
}

TEST_F(Pop3SessionTest, LargeMessageStreamsIntact) {
    std::string big = "Subject: big\r\n\r\n";
    while (big.size() < 3 * 1024 * 1024)
        big += "." + std::to_string(big.size()) + " some text of a line\r\n";
    deliver(big);
    std::string expected_body;
    for (std::size_t pos = 0; pos < big.size();) {
        const std::size_t eol = big.find("\r\n", pos) + 2;
        if (big[pos] == '.') expected_body += '.';
        expected_body.append(big, pos, eol - pos);
        pos = eol;
    }
    EXPECT_EQ(logged_in("RETR 1\r\n"),
              "+OK " + std::to_string(big.size()) + " octets\r\n" + expected_body + ".\r\n");
}

TEST_F(Pop3SessionTest, DeleAndQuitRemoves) {
    const uint32_t u1 = deliver(kOne);
    const uint32_t u2 = deliver(kTwo);
    const std::string out = logged_in(
        "DELE 1\r\nDELE 1\r\nRETR 1\r\nLIST 1\r\nUIDL 1\r\nTOP 1 0\r\nSTAT\r\n"
        "LIST\r\nUIDL\r\nQUIT\r\n");
    const std::string gone = "-ERR message 1 already deleted\r\n";
    EXPECT_EQ(out.find("+OK message 1 deleted\r\n" + gone + gone + gone + gone + gone +
                       "+OK 1 40\r\n" + "+OK 1 messages (40 octets)\r\n2 40\r\n.\r\n"),
              0u)
        << out;
    EXPECT_NE(out.find("+OK Tern POP3 server signing off (1 messages deleted)\r\n"),
              std::string::npos);
    const auto left = inbox();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].uid, u2);
    (void)u1;
    EXPECT_NE(log_.find("pop3.update"), std::string::npos);
}

TEST_F(Pop3SessionTest, DeleThenRsetKeeps) {
    deliver(kOne);
    deliver(kTwo);
    EXPECT_EQ(logged_in("DELE 1\r\nDELE 2\r\nSTAT\r\nRSET\r\nSTAT\r\nQUIT\r\n"),
              "+OK message 1 deleted\r\n+OK message 2 deleted\r\n+OK 0 0\r\n"
              "+OK maildrop has 2 messages (66 octets)\r\n+OK 2 66\r\n"
              "+OK Tern POP3 server signing off (0 messages deleted)\r\n");
    EXPECT_EQ(inbox().size(), 2u);
}

TEST_F(Pop3SessionTest, DeleWithoutQuitKeeps) {
    deliver(kOne);
    // The client goes away (EOF), the connection fails, or the idle timer
    // fires: nothing is deleted (RFC 1939 6).
    for (net::IoStatus end : {net::IoStatus::eof, net::IoStatus::error, net::IoStatus::timeout}) {
        SessionSetup s;
        s.end = end;
        EXPECT_EQ(logged_in("DELE 1\r\n", s), "+OK message 1 deleted\r\n");
        EXPECT_EQ(inbox().size(), 1u);
    }
}

TEST_F(Pop3SessionTest, ShutdownSaysGoodbyeAndKeeps) {
    deliver(kOne);
    SessionSetup s;
    s.end = net::IoStatus::shutdown;  // the server stops while the session waits for a command
    EXPECT_EQ(logged_in("DELE 1\r\n", s),
              "+OK message 1 deleted\r\n-ERR [SYS/TEMP] server shutting down\r\n");
    EXPECT_EQ(inbox().size(), 1u);
    // Before login too.
    SessionSetup early;
    early.stopping = true;
    EXPECT_EQ(session("CAPA\r\n", early),
              "+OK Tern POP3 server ready\r\n-ERR [SYS/TEMP] server shutting down\r\n");
}

TEST_F(Pop3SessionTest, UidlIsStableAcrossSessionsAndDeletions) {
    deliver(kOne);
    const uint32_t u2 = deliver(kTwo);
    const std::string id2 = std::to_string(inbox_.uid_validity) + "." + std::to_string(u2);
    EXPECT_EQ(logged_in("UIDL 2\r\n"), "+OK 2 " + id2 + "\r\n");
    EXPECT_EQ(logged_in("UIDL 2\r\n"), "+OK 2 " + id2 + "\r\n");
    // Message 1 goes (as IMAP EXPUNGE would do it); the other keeps its id
    // under its new number.
    ASSERT_TRUE(store_->expunge(inbox_.id, {inbox()[0].uid}).ok());
    EXPECT_EQ(logged_in("UIDL 1\r\n"), "+OK 1 " + id2 + "\r\n");
}

TEST_F(Pop3SessionTest, SnapshotIgnoresLaterArrivals) {
    deliver(kOne);
    SessionSetup s;
    std::string out = logged_in("STAT\r\n", s);
    deliver(kTwo);
    EXPECT_EQ(out, "+OK 1 26\r\n");
    EXPECT_EQ(logged_in("STAT\r\n", s), "+OK 2 66\r\n");
}

TEST_F(Pop3SessionTest, RetrievedMailIsMarkedSeen) {
    deliver(kOne);
    deliver(kTwo);
    logged_in("RETR 2\r\nTOP 1 1\r\nQUIT\r\n");
    const auto msgs = inbox();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_TRUE(msgs[0].flags.empty());
    EXPECT_EQ(msgs[1].flags, std::vector<std::string>{"\\Seen"});
}

TEST_F(Pop3SessionTest, DeleteRetrievedPolicy) {
    deliver(kOne);
    const uint32_t u2 = deliver(kTwo);
    SessionSetup s;
    s.options.delete_retrieved = true;
    // Retrieved but the session ended without QUIT: kept.
    logged_in("RETR 1\r\n", s);
    EXPECT_EQ(inbox().size(), 2u);
    // RSET undoes it.
    logged_in("RETR 1\r\nRSET\r\nQUIT\r\n", s);
    EXPECT_EQ(inbox().size(), 2u);
    // TOP is not a retrieval; RETR then QUIT deletes.
    const std::string out = logged_in("RETR 1\r\nTOP 2 0\r\nQUIT\r\n", s);
    EXPECT_NE(out.find("(1 messages deleted)"), std::string::npos) << out;
    const auto left = inbox();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].uid, u2);
}

TEST_F(Pop3SessionTest, PipelinedRepliesComeInOrder) {
    deliver(kOne);
    deliver(kTwo);
    const std::string out = logged_in("RETR 1\r\nRETR 2\r\nRETR 1\r\nSTAT\r\n");
    EXPECT_EQ(out, "+OK 26 octets\r\n" + kOne + ".\r\n+OK 40 octets\r\n" + kTwo +
                       ".\r\n+OK 26 octets\r\n" + kOne + ".\r\n+OK 2 66\r\n");
}

}  // namespace
}  // namespace tern::pop3::test

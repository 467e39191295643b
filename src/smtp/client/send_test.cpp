// The SMTP client's mail transaction against scripted server replies: the
// exact bytes sent, and which reply each recipient ends up with.
#include <gtest/gtest.h>

#include "smtp/client/client.hpp"
#include "smtp/client/test_session.hpp"

namespace tern::smtp::client {
namespace {

using test::TestSession;
using testing::run_task;

const char* kMessage = "Subject: hi\r\n\r\nhello\r\n";

OutEnvelope envelope(std::vector<std::string> rcpts, std::string sender = "alice@example.net") {
    OutEnvelope e;
    e.sender = std::move(sender);
    for (auto& r : rcpts)
        e.recipients.push_back({std::move(r), "", ""});
    return e;
}

std::string session(std::string ehlo_lines, std::string replies) {
    return "220 mx ESMTP\r\n250-mx.example.org\r\n" + ehlo_lines + replies;
}

SendResult send(TestSession& s, const OutEnvelope& e, std::string_view message = kMessage) {
    s.open();
    return run_task(s.client.send(e, message));
}

TEST(SmtpClientSend, PipelinedGroupIsOneWriteAndRepliesGoToTheirRecipients) {
    TestSession s(session("250-PIPELINING\r\n250-SIZE 1000000\r\n250 ENHANCEDSTATUSCODES\r\n",
                          "250 2.1.0 sender ok\r\n"
                          "250 2.1.5 ok\r\n"
                          "550 5.1.1 no such user\r\n"
                          "451 4.3.0 try later\r\n"
                          "354 go ahead\r\n"
                          "250 2.0.0 queued as 123\r\n"));
    SendResult r =
        send(s, envelope({"bob@example.org", "nobody@example.org", "carol@example.org"}));
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<alice@example.net> SIZE=22\r\n"
              "RCPT TO:<bob@example.org>\r\n"
              "RCPT TO:<nobody@example.org>\r\n"
              "RCPT TO:<carol@example.org>\r\n"
              "DATA\r\n"
              "Subject: hi\r\n\r\nhello\r\n.\r\n");
    ASSERT_EQ(r.per_recipient.size(), 3u);
    EXPECT_EQ(r.per_recipient[0].text(), "250 2.0.0 queued as 123");
    EXPECT_TRUE(r.per_recipient[0].positive());
    EXPECT_EQ(r.per_recipient[1].text(), "550 5.1.1 no such user");
    EXPECT_FALSE(r.per_recipient[1].transient());
    EXPECT_EQ(r.per_recipient[2].code, 451);
    EXPECT_TRUE(r.per_recipient[2].transient());
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, WithoutPipeliningEachCommandWaitsForItsReply) {
    // If the client wrote ahead, the bytes would be the same but the replies
    // would be read against the wrong commands: the 550 must stay with bob.
    TestSession s(
        session("250 8BITMIME\r\n", "250 ok\r\n550 no bob\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    OutEnvelope e = envelope({"bob@example.org", "carol@example.org"}, "");
    e.eight_bit = true;
    SendResult r = send(s, e);
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<> BODY=8BITMIME\r\n"
              "RCPT TO:<bob@example.org>\r\n"
              "RCPT TO:<carol@example.org>\r\n"
              "DATA\r\n"
              "Subject: hi\r\n\r\nhello\r\n.\r\n");
    EXPECT_EQ(r.per_recipient[0].text(), "550 no bob");
    EXPECT_EQ(r.per_recipient[1].text(), "250 done");
}

TEST(SmtpClientSend, MailRejectedGivesEveryRecipientThatReply) {
    TestSession s(session("250 PIPELINING\r\n",
                          "550 5.7.1 sender refused\r\n503 no\r\n503 no\r\n554 no valid rcpt\r\n"
                          "250 reset\r\n"));
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    ASSERT_EQ(r.per_recipient.size(), 2u);
    EXPECT_EQ(r.per_recipient[0].text(), "550 5.7.1 sender refused");
    EXPECT_EQ(r.per_recipient[1].text(), "550 5.7.1 sender refused");
    EXPECT_TRUE(s.stream.output().ends_with("DATA\r\nRSET\r\n"));
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, NoRecipientAcceptedMeansRsetAndNoData) {
    TestSession s(session("250 SIZE\r\n", "250 ok\r\n550 no\r\n450 busy\r\n250 reset\r\n"));
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<alice@example.net> SIZE=22\r\n"
              "RCPT TO:<bob@example.org>\r\n"
              "RCPT TO:<carol@example.org>\r\n"
              "RSET\r\n");
    EXPECT_EQ(r.per_recipient[0].code, 550);
    EXPECT_EQ(r.per_recipient[1].code, 450);
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, PipelinedDataAcceptedWithoutRecipientsIsEndedWithADot) {
    // RFC 2920 3.1: check DATA's reply too; if it is 354, send a lone ".".
    TestSession s(
        session("250 PIPELINING\r\n", "250 ok\r\n550 no\r\n354 go\r\n554 no valid recipients\r\n"));
    SendResult r = send(s, envelope({"bob@example.org"}));
    EXPECT_TRUE(s.stream.output().ends_with("DATA\r\n.\r\n")) << s.stream.output();
    EXPECT_EQ(r.per_recipient[0].code, 550);
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, DataIsDotStuffedAndEndsWithCrlf) {
    TestSession s(session("250 X\r\n", "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    SendResult r = send(s, envelope({"bob@example.org"}), ".hidden\r\nmid.dle\r\n.\r\n..\r\nlast");
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
              "..hidden\r\nmid.dle\r\n..\r\n...\r\nlast\r\n.\r\n");
    EXPECT_EQ(r.per_recipient[0].code, 250);
}

TEST(SmtpClientSend, DataRejectedGoesToAcceptedRecipientsAndResets) {
    TestSession s(session("250 X\r\n",
                          "250 ok\r\n250 ok\r\n550 no\r\n451 4.3.0 no DATA now\r\n250 reset\r\n"));
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    EXPECT_TRUE(s.stream.output().ends_with("DATA\r\nRSET\r\n"));
    EXPECT_EQ(r.per_recipient[0].text(), "451 4.3.0 no DATA now");
    EXPECT_EQ(r.per_recipient[1].text(), "550 no");
}

TEST(SmtpClientSend, ChunkingUsesBdatWithoutStuffing) {
    TestSession s(
        session("250-PIPELINING\r\n250 CHUNKING\r\n", "250 ok\r\n250 ok\r\n250 2.0.0 got it\r\n"));
    SendResult r = send(s, envelope({"bob@example.org"}), ".dot\r\nno end");
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\n"
              "BDAT 14 LAST\r\n.dot\r\nno end\r\n");
    EXPECT_EQ(r.per_recipient[0].text(), "250 2.0.0 got it");
}

TEST(SmtpClientSend, BigMessagesGoInMebibyteChunks) {
    TestSession s(
        session("250 CHUNKING\r\n", "250 ok\r\n250 ok\r\n250 chunk\r\n250 chunk\r\n250 all\r\n"));
    std::string big(2 * 1024 * 1024 + 98, 'x');
    big += "\r\n";
    SendResult r = send(s, envelope({"bob@example.org"}), big);
    const std::string& out = s.stream.output();
    std::string head = "MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\n";
    std::size_t a = head.size();
    EXPECT_EQ(out.substr(0, a), head);
    EXPECT_EQ(out.substr(a, 14), "BDAT 1048576\r\n");
    std::size_t b = a + 14 + 1048576;
    EXPECT_EQ(out.substr(b, 14), "BDAT 1048576\r\n");
    std::size_t c = b + 14 + 1048576;
    EXPECT_EQ(out.substr(c), "BDAT 100 LAST\r\n" + big.substr(2 * 1048576));
    EXPECT_EQ(r.per_recipient[0].text(), "250 all");
}

TEST(SmtpClientSend, FailedBdatChunkStopsAndResets) {
    TestSession s(
        session("250 CHUNKING\r\n", "250 ok\r\n250 ok\r\n552 5.3.4 too big\r\n250 reset\r\n"));
    std::string big(1024 * 1024 + 10, 'x');
    SendResult r = send(s, envelope({"bob@example.org"}), big);
    EXPECT_TRUE(s.stream.output().ends_with("RSET\r\n"));
    EXPECT_EQ(s.stream.output().find("LAST"), std::string::npos);
    EXPECT_EQ(r.per_recipient[0].text(), "552 5.3.4 too big");
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, MissingSmtputf8FailsEveryRecipientWithoutSending) {
    TestSession s(session("250 8BITMIME\r\n", ""));
    OutEnvelope e = envelope({"b\xC3\xB6@example.org", "c@example.org"});
    e.smtputf8 = true;
    SendResult r = send(s, e);
    EXPECT_EQ(s.stream.output(), "");
    ASSERT_EQ(r.per_recipient.size(), 2u);
    for (const Reply& x : r.per_recipient) {
        EXPECT_EQ(x.code, 553);
        EXPECT_EQ(x.enhanced, "5.6.7");
    }
    EXPECT_TRUE(r.connection_usable);
}

TEST(SmtpClientSend, Smtputf8IsAskedForWhenOffered) {
    TestSession s(session("250 SMTPUTF8\r\n", "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    OutEnvelope e = envelope({"b\xC3\xB6@example.org"});
    e.smtputf8 = true;
    send(s, e);
    EXPECT_TRUE(s.stream.output().starts_with("MAIL FROM:<alice@example.net> SMTPUTF8\r\n"));
}

TEST(SmtpClientSend, RequireTlsNeedsTheExtensionAndTls) {
    TestSession s(session("250 REQUIRETLS\r\n", "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    OutEnvelope e = envelope({"bob@example.org"});
    e.requiretls = true;
    SendResult plain = send(s, e);
    EXPECT_EQ(plain.per_recipient[0].text(), "550 5.7.30 REQUIRETLS support required");
    EXPECT_EQ(s.stream.output(), "");
    run_task(s.stream.start_tls());
    SendResult tls = run_task(s.client.send(e, kMessage));
    EXPECT_TRUE(s.stream.output().starts_with("MAIL FROM:<alice@example.net> REQUIRETLS\r\n"));
    EXPECT_EQ(tls.per_recipient[0].code, 250);
}

TEST(SmtpClientSend, TooBigForTheAnnouncedSizeIsNotSent) {
    TestSession s(session("250 SIZE 10\r\n", ""));
    SendResult r = send(s, envelope({"bob@example.org"}));
    EXPECT_EQ(s.stream.output(), "");
    EXPECT_EQ(r.per_recipient[0].code, 552);
    EXPECT_EQ(r.per_recipient[0].enhanced, "5.3.4");
}

TEST(SmtpClientSend, DsnParametersOnlyWhenOffered) {
    OutEnvelope e = envelope({"bob@example.org"});
    e.envid = "id+1 x";
    e.ret = "hdrs";
    e.recipients[0].notify = "SUCCESS,FAILURE";
    e.recipients[0].orcpt = "rfc822;Bob+tag@example.org";
    const char* replies = "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n";

    TestSession with(session("250 DSN\r\n", replies));
    send(with, e);
    EXPECT_TRUE(with.stream.output().starts_with(
        "MAIL FROM:<alice@example.net> RET=HDRS ENVID=id+2B1+20x\r\n"
        "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+2Btag@example.org\r\n"))
        << with.stream.output();

    TestSession without(session("250 8BITMIME\r\n", replies));
    send(without, e);
    EXPECT_TRUE(without.stream.output().starts_with(
        "MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"))
        << without.stream.output();
}

TEST(SmtpClientSend, UnsafeAddressIsNotSent) {
    TestSession s(session("250 X\r\n", "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    SendResult r = send(s, envelope({"evil@x>\r\nRCPT TO:<other@example.org", "bob@example.org"}));
    EXPECT_EQ(r.per_recipient[0].code, 553);
    EXPECT_EQ(r.per_recipient[0].enhanced, "5.1.3");
    EXPECT_EQ(r.per_recipient[1].code, 250);
    EXPECT_EQ(s.stream.output().find("other@"), std::string::npos);
}

TEST(SmtpClientSend, ConnectionLostAfterRcptMakesEveryoneUndecided) {
    TestSession s(session("250 X\r\n", "250 ok\r\n250 ok\r\n"));
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    ASSERT_EQ(r.per_recipient.size(), 2u);
    for (const Reply& x : r.per_recipient) {
        EXPECT_EQ(x.code, 0);
        EXPECT_TRUE(x.transient());
        EXPECT_EQ(x.text(), "connection lost after RCPT");
    }
    EXPECT_FALSE(r.connection_usable);
    // A later send on the same session fails at once, without I/O.
    std::size_t before = s.stream.output().size();
    SendResult again = run_task(s.client.send(envelope({"dave@example.org"}), kMessage));
    EXPECT_EQ(again.per_recipient[0].code, 0);
    EXPECT_FALSE(again.connection_usable);
    EXPECT_EQ(s.stream.output().size(), before);
}

TEST(SmtpClientSend, TimeoutAfterDataKeepsRcptRejectionsAndSaysWhat) {
    TestSession s(session("250 X\r\n", "250 ok\r\n550 no\r\n250 ok\r\n354 go\r\n"));
    s.stream.set_end_status(net::IoStatus::timeout);
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    EXPECT_EQ(r.per_recipient[0].text(), "550 no");
    EXPECT_EQ(r.per_recipient[1].code, 0);
    EXPECT_EQ(r.per_recipient[1].text(), "timeout waiting for reply to end of data");
    EXPECT_FALSE(r.connection_usable);
}

TEST(SmtpClientSend, ServiceClosingEndsTheSession) {
    TestSession s(session("250 PIPELINING\r\n", "250 ok\r\n421 4.3.2 shutting down\r\n"));
    SendResult r = send(s, envelope({"bob@example.org", "carol@example.org"}));
    EXPECT_EQ(r.per_recipient[0].text(), "421 4.3.2 shutting down");
    EXPECT_EQ(r.per_recipient[1].text(), "421 4.3.2 shutting down");
    EXPECT_FALSE(r.connection_usable);
}

TEST(SmtpClientSend, GarbledReplyIsATransientProtocolError) {
    TestSession s(session("250 X\r\n", "250 ok\r\nOK!\r\n"));
    SendResult r = send(s, envelope({"bob@example.org"}));
    EXPECT_EQ(r.per_recipient[0].code, 0);
    EXPECT_NE(r.per_recipient[0].text().find("protocol error after RCPT"), std::string::npos);
    EXPECT_FALSE(r.connection_usable);
}

TEST(SmtpClientSend, SecondMessageStartsCleanAfterAFailedOne) {
    TestSession s(session("250 X\r\n",
                          "250 ok\r\n550 no\r\n250 reset\r\n"
                          "250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"));
    SendResult first = send(s, envelope({"bob@example.org"}));
    EXPECT_EQ(first.per_recipient[0].code, 550);
    SendResult second = run_task(s.client.send(envelope({"carol@example.org"}), "x\r\n"));
    EXPECT_EQ(second.per_recipient[0].text(), "250 done");
    EXPECT_EQ(s.stream.output(),
              "MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\nRSET\r\n"
              "MAIL FROM:<alice@example.net>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n"
              "x\r\n.\r\n");
}

}  // namespace
}  // namespace tern::smtp::client

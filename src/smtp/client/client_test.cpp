// The SMTP client's session: greeting, EHLO/HELO, STARTTLS, AUTH, QUIT,
// against scripted server replies on a MemoryStream.
#include <gtest/gtest.h>

#include "smtp/client/client.hpp"
#include "smtp/client/test_session.hpp"

namespace tern::smtp::client {
namespace {

using test::TestSession;
using testing::run_task;

const char* kEhlo =
    "250-mx.example.org hello\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 35882577\r\n"
    "250-8BITMIME\r\n"
    "250-STARTTLS\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250-auth plain Login\r\n"
    "250-DSN\r\n"
    "250-SMTPUTF8\r\n"
    "250-CHUNKING\r\n"
    "250-X-UNKNOWN whatever\r\n"
    "250 REQUIRETLS\r\n";

TEST(SmtpClient, GreetingIsRead) {
    TestSession s("220-mx.example.org ESMTP\r\n220 welcome\r\n");
    Reply g = run_task(s.client.greeting());
    EXPECT_EQ(g.code, 220);
    EXPECT_EQ(g.lines, (std::vector<std::string>{"mx.example.org ESMTP", "welcome"}));
    EXPECT_EQ(g.text(), "220 mx.example.org ESMTP welcome");
    EXPECT_TRUE(s.client.usable());
    EXPECT_EQ(s.stream.output(), "");
}

TEST(SmtpClient, RefusingGreetingIsReturned) {
    TestSession s("554 5.7.1 no service for you\r\n");
    Reply g = run_task(s.client.greeting());
    EXPECT_EQ(g.code, 554);
    EXPECT_EQ(g.enhanced, "5.7.1");
    EXPECT_FALSE(g.transient());
    EXPECT_EQ(g.text(), "554 5.7.1 no service for you");
}

TEST(SmtpClient, GarbageGreetingIsAProtocolError) {
    TestSession s("HTTP/1.1 400 Bad Request\r\n");
    Reply g = run_task(s.client.greeting());
    EXPECT_EQ(g.code, 0);
    EXPECT_TRUE(g.transient());
    EXPECT_NE(g.text().find("protocol error after greeting"), std::string::npos) << g.text();
    EXPECT_FALSE(s.client.usable());
}

TEST(SmtpClient, OverlongReplyLineIsAProtocolError) {
    TestSession s("220 " + std::string(5000, 'x') + "\r\n");
    Reply g = run_task(s.client.greeting());
    EXPECT_EQ(g.code, 0);
    EXPECT_NE(g.text().find("longer than"), std::string::npos) << g.text();
    EXPECT_FALSE(s.client.usable());
}

TEST(SmtpClient, SilentServerTimesOut) {
    TestSession s("");
    s.stream.set_end_status(net::IoStatus::timeout);
    Reply g = run_task(s.client.greeting());
    EXPECT_EQ(g.code, 0);
    EXPECT_EQ(g.text(), "timeout waiting for reply to greeting");
}

TEST(SmtpClient, EhloCapabilitiesAreParsed) {
    TestSession s(std::string("220 hi\r\n") + kEhlo);
    run_task(s.client.greeting());
    Reply h = run_task(s.client.hello());
    EXPECT_EQ(h.code, 250);
    EXPECT_EQ(s.stream.output(), "EHLO out.example.net\r\n");
    const Capabilities& c = s.client.capabilities();
    EXPECT_TRUE(c.esmtp);
    EXPECT_TRUE(c.pipelining);
    EXPECT_TRUE(c.eight_bit_mime);
    EXPECT_TRUE(c.starttls);
    EXPECT_TRUE(c.enhanced_status_codes);
    EXPECT_TRUE(c.dsn);
    EXPECT_TRUE(c.smtputf8);
    EXPECT_TRUE(c.chunking);
    EXPECT_TRUE(c.requiretls);
    ASSERT_TRUE(c.size.has_value());
    EXPECT_EQ(*c.size, 35882577u);
    EXPECT_EQ(c.auth, (std::vector<std::string>{"PLAIN", "LOGIN"}));
}

TEST(SmtpClient, ParseEhloEdgeCases) {
    Capabilities bare = parse_ehlo({"mx"});
    EXPECT_TRUE(bare.esmtp);
    EXPECT_FALSE(bare.pipelining);
    EXPECT_FALSE(bare.size.has_value());
    EXPECT_TRUE(bare.auth.empty());
    // The first line is the server's name even when it looks like a keyword.
    EXPECT_FALSE(parse_ehlo({"PIPELINING"}).pipelining);
    Capabilities c = parse_ehlo({"mx", "SIZE", "AUTH=LOGIN PLAIN", "AUTH PLAIN CRAM-MD5", "dsn"});
    ASSERT_TRUE(c.size.has_value());
    EXPECT_EQ(*c.size, 0u);  // RFC 1870: no number, no fixed limit
    EXPECT_EQ(c.auth, (std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}));
    EXPECT_TRUE(c.dsn);
    EXPECT_EQ(*parse_ehlo({"mx", "SIZE junk"}).size, 0u);
}

TEST(SmtpClient, HeloFallbackAfterEhloRefused) {
    TestSession s("220 old\r\n502 5.5.1 what?\r\n250 old.example hello\r\n");
    run_task(s.client.greeting());
    Reply h = run_task(s.client.hello());
    EXPECT_EQ(h.code, 250);
    EXPECT_EQ(s.stream.output(), "EHLO out.example.net\r\nHELO out.example.net\r\n");
    EXPECT_FALSE(s.client.capabilities().esmtp);
    EXPECT_FALSE(s.client.capabilities().pipelining);
    EXPECT_TRUE(s.client.usable());
}

TEST(SmtpClient, TransientEhloFailureDoesNotFallBack) {
    TestSession s("220 hi\r\n421 4.3.2 going down\r\n");
    run_task(s.client.greeting());
    Reply h = run_task(s.client.hello());
    EXPECT_EQ(h.code, 421);
    EXPECT_EQ(s.stream.output(), "EHLO out.example.net\r\n");
    EXPECT_FALSE(s.client.usable());  // RFC 5321 3.8: 421 closes the session
}

TEST(SmtpClient, StartTlsThenEhloAgain) {
    std::string server = std::string("220 hi\r\n") + kEhlo +
                         "220 2.0.0 go ahead\r\n"
                         "250-mx.example.org\r\n250 AUTH PLAIN\r\n";
    TestSession s(server, 1);
    s.open();
    net::ClientTlsParams params;
    params.server_name = "mx.example.org";
    params.verify = true;
    net::ClientTlsResult r = run_task(s.client.starttls(params));
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.verified);
    EXPECT_EQ(s.stream.last_client_tls_params().server_name, "mx.example.org");
    EXPECT_EQ(s.stream.output(), "STARTTLS\r\nEHLO out.example.net\r\n");
    EXPECT_EQ(s.stream.output_after_tls(), "EHLO out.example.net\r\n");
    // RFC 3207 4.2: only what the server says under TLS counts now.
    EXPECT_FALSE(s.client.capabilities().pipelining);
    EXPECT_FALSE(s.client.capabilities().starttls);
    EXPECT_EQ(s.client.capabilities().auth, std::vector<std::string>{"PLAIN"});
    EXPECT_TRUE(s.client.usable());
}

TEST(SmtpClient, StartTlsRefusedLeavesSessionUsable) {
    TestSession s(std::string("220 hi\r\n") + kEhlo + "454 4.7.0 TLS not available\r\n");
    s.open();
    net::ClientTlsResult r = run_task(s.client.starttls({}));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "STARTTLS refused: 454 4.7.0 TLS not available");
    EXPECT_TRUE(s.client.usable());
    EXPECT_FALSE(s.stream.tls_active());
}

TEST(SmtpClient, FailedHandshakeMakesSessionUnusable) {
    TestSession s(std::string("220 hi\r\n") + kEhlo + "220 go ahead\r\n", 1);
    s.open();
    s.stream.set_client_tls_failure("certificate verification failed: hostname mismatch");
    net::ClientTlsResult r = run_task(s.client.starttls({}));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "certificate verification failed: hostname mismatch");
    EXPECT_FALSE(s.client.usable());
    EXPECT_EQ(s.stream.output(), "STARTTLS\r\n");  // no EHLO in the clear after that
}

TEST(SmtpClient, AuthPlainWithInitialResponse) {
    TestSession s(std::string("220 hi\r\n") + kEhlo + "235 2.7.0 ok\r\n");
    s.open();
    run_task(s.stream.start_tls());
    Reply r = run_task(s.client.authenticate("user", "pass"));
    EXPECT_EQ(r.code, 235);
    // RFC 4616: base64("\0user\0pass")
    EXPECT_EQ(s.stream.output(), "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
}

TEST(SmtpClient, AuthLoginWhenPlainIsNotOffered) {
    TestSession s(
        "220 hi\r\n250-mx\r\n250 AUTH LOGIN\r\n"
        "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n535 5.7.8 bad credentials\r\n");
    s.open();
    run_task(s.stream.start_tls());
    Reply r = run_task(s.client.authenticate("user", "pass"));
    EXPECT_EQ(r.code, 535);
    EXPECT_EQ(r.enhanced, "5.7.8");
    EXPECT_EQ(s.stream.output(), "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n");
}

TEST(SmtpClient, AuthRefusedWithoutTlsOrMechanism) {
    TestSession s(std::string("220 hi\r\n") + kEhlo);
    s.open();
    Reply clear = run_task(s.client.authenticate("user", "pass"));
    EXPECT_EQ(clear.code, 530);
    EXPECT_EQ(s.stream.output(), "");

    TestSession t("220 hi\r\n250-mx\r\n250 AUTH CRAM-MD5\r\n");
    t.open();
    run_task(t.stream.start_tls());
    Reply none = run_task(t.client.authenticate("user", "pass"));
    EXPECT_EQ(none.code, 504);
    EXPECT_EQ(t.stream.output(), "");
}

TEST(SmtpClient, QuitSaysGoodbyeAndCloses) {
    TestSession s(std::string("220 hi\r\n") + kEhlo + "221 2.0.0 bye\r\n");
    s.open();
    run_task(s.client.quit());
    EXPECT_EQ(s.stream.output(), "QUIT\r\n");
    EXPECT_TRUE(s.stream.closed());
    EXPECT_FALSE(s.client.usable());
}

}  // namespace
}  // namespace tern::smtp::client

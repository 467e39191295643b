// POP3 transcripts, AUTHORIZATION state: greeting, CAPA, STLS, the TLS
// requirement, USER/PASS, AUTH PLAIN/LOGIN, APOP, IN-USE, state rules.
#include "pop3/server/session_fixture.hpp"

#include "base/strings.hpp"
#include "pop3/proto/command.hpp"
#include "pop3/proto/reply.hpp"

namespace tern::pop3::test {
namespace {

const std::string kGreeting = "+OK Tern POP3 server ready\r\n";

std::string capa_lines(const std::string& out) {
    const auto start = out.find("+OK Capability list follows\r\n");
    if (start == std::string::npos) return "";
    const auto end = out.find("\r\n.\r\n", start);
    return out.substr(start, end - start + 5);
}

std::string plain_ir(const std::string& user, const std::string& pass) {
    return base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + pass);
}

TEST_F(Pop3SessionTest, GreetingAndQuitBeforeLogin) {
    EXPECT_EQ(session("QUIT\r\n"), kGreeting + "+OK Tern POP3 server signing off\r\n");
}

TEST_F(Pop3SessionTest, CapaBeforeTlsOffersStlsButNoLogin) {
    const std::string capa = capa_lines(session("CAPA\r\n"));
    EXPECT_EQ(
        capa,
        "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
        "PIPELINING\r\nEXPIRE NEVER\r\nLOGIN-DELAY 0\r\nIMPLEMENTATION Tern\r\nSTLS\r\n.\r\n");
}

TEST_F(Pop3SessionTest, CapaOverTlsOffersLoginNotStls) {
    SessionSetup s;
    s.implicit_tls = true;
    s.options.stls_offered = false;
    const std::string capa = capa_lines(session("CAPA\r\n", s));
    EXPECT_EQ(
        capa,
        "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\n"
        "AUTH-RESP-CODE\r\nPIPELINING\r\nEXPIRE NEVER\r\nLOGIN-DELAY 0\r\nIMPLEMENTATION "
        "Tern\r\n.\r\n");
}

TEST_F(Pop3SessionTest, CapaPolicyAndState) {
    SessionSetup s;
    s.options.delete_retrieved = true;
    EXPECT_NE(capa_lines(session("CAPA\r\n", s)).find("EXPIRE 0\r\n"), std::string::npos);
    s.tls_available = false;  // no certificate: no STLS
    EXPECT_EQ(capa_lines(session("CAPA\r\n", s)).find("STLS"), std::string::npos);
    // After login USER and SASL are no longer listed (RFC 2449 6.8).
    const std::string after = capa_lines(logged_in("CAPA\r\n"));
    EXPECT_NE(after.find("TOP\r\n"), std::string::npos);
    EXPECT_EQ(after.find("USER\r\n"), std::string::npos);
    EXPECT_EQ(after.find("SASL"), std::string::npos);
    EXPECT_EQ(after.find("STLS"), std::string::npos);
}

TEST_F(Pop3SessionTest, LoginRefusedBeforeTls) {
    const std::string out =
        session(std::string("USER ") + kUser + "\r\nPASS " + kPassword + "\r\nAUTH PLAIN " +
                plain_ir(kUser, kPassword) + "\r\nAUTH\r\nSTAT\r\n");
    EXPECT_EQ(out, kGreeting +
                       "-ERR TLS required (use STLS)\r\n-ERR TLS required (use STLS)\r\n"
                       "-ERR TLS required (use STLS)\r\n-ERR TLS required (use STLS)\r\n"
                       "-ERR command not valid in this state\r\n");
}

TEST_F(Pop3SessionTest, StlsThenLogin) {
    deliver("Subject: a\r\n\r\nx\r\n");
    SessionSetup s;
    s.chunk = 6;  // "STLS\r\n" alone in the first read, as a real client sends it
    const std::string out = session(
        std::string("STLS\r\nCAPA\r\nUSER ") + kUser + "\r\nPASS " + kPassword + "\r\nQUIT\r\n", s);
    EXPECT_EQ(out.find(kGreeting + "+OK Begin TLS negotiation\r\n"), 0u) << out;
    EXPECT_EQ(capa_lines(out).find("STLS"), std::string::npos);
    EXPECT_NE(out.find("+OK maildrop has 1 messages (17 octets)\r\n"), std::string::npos) << out;
    EXPECT_NE(log_.find("pop3.tls"), std::string::npos);
}

TEST_F(Pop3SessionTest, StlsDiscardsPipelinedPlaintext) {
    // RFC 2595 4 / CVE-2011-0411: what came with STLS in plaintext is dropped.
    const std::string out = session(std::string("STLS\r\nUSER ") + kUser + "\r\n");
    EXPECT_EQ(out, kGreeting + "+OK Begin TLS negotiation\r\n");
}

TEST_F(Pop3SessionTest, StlsRefusals) {
    SessionSetup s;
    s.implicit_tls = true;
    EXPECT_EQ(session("STLS\r\n", s), kGreeting + "-ERR STLS not available\r\n");
    SessionSetup off;
    off.options.stls_offered = false;
    EXPECT_EQ(session("STLS\r\n", off), kGreeting + "-ERR STLS not available\r\n");
    EXPECT_EQ(logged_in("STLS\r\n"), "-ERR command not valid in this state\r\n");
}

TEST_F(Pop3SessionTest, UserPassWithPlaintextAllowed) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out =
        session(std::string("USER ") + kUser + "\r\nPASS " + kPassword + "\r\nQUIT\r\n", s);
    EXPECT_EQ(out, kGreeting +
                       "+OK send PASS\r\n+OK maildrop has 0 messages (0 octets)\r\n"
                       "+OK Tern POP3 server signing off (0 messages deleted)\r\n");
    EXPECT_NE(log_.find("pop3.login"), std::string::npos);
    EXPECT_EQ(log_.find(kPassword), std::string::npos) << "the password must never be logged";
}

TEST_F(Pop3SessionTest, BadLogins) {
    SessionSetup s;
    s.implicit_tls = true;
    const std::string out =
        session(std::string("PASS x\r\nUSER ") + kUser + "\r\nPASS wrong\r\nPASS " + kPassword +
                    "\r\nUSER nobody@example.test\r\n"
                    "PASS " +
                    kPassword + "\r\nAPOP a b\r\n",
                s);
    EXPECT_EQ(out, kGreeting +
                       "-ERR USER first\r\n+OK send PASS\r\n-ERR [AUTH] authentication failed\r\n"
                       "-ERR USER first\r\n+OK send PASS\r\n-ERR [AUTH] authentication failed\r\n"
                       "-ERR APOP not supported\r\n");
    EXPECT_EQ(log_.find("wrong"), std::string::npos);
}

TEST_F(Pop3SessionTest, AuthPlainWithInitialResponse) {
    SessionSetup s;
    s.implicit_tls = true;
    const std::string out = session("AUTH PLAIN " + plain_ir(kUser, kPassword) + "\r\nSTAT\r\n", s);
    EXPECT_EQ(out, kGreeting + "+OK maildrop has 0 messages (0 octets)\r\n+OK 0 0\r\n");
}

TEST_F(Pop3SessionTest, AuthPlainWithChallengeAndLogin) {
    SessionSetup s;
    s.implicit_tls = true;
    EXPECT_EQ(session("AUTH PLAIN\r\n" + plain_ir(kUser, kPassword) + "\r\n", s),
              kGreeting + "+ \r\n+OK maildrop has 0 messages (0 octets)\r\n");
    EXPECT_EQ(session("auth login\r\n" + base64_encode(kUser) + "\r\n" + base64_encode(kPassword) +
                          "\r\n",
                      s),
              kGreeting +
                  "+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\n+OK maildrop has 0 messages (0 octets)\r\n");
    // RFC 5034 4: an initial response in LOGIN is the user name.
    EXPECT_EQ(
        session("AUTH LOGIN " + base64_encode(kUser) + "\r\n" + base64_encode(kPassword) + "\r\n",
                s),
        kGreeting + "+ UGFzc3dvcmQ6\r\n+OK maildrop has 0 messages (0 octets)\r\n");
}

TEST_F(Pop3SessionTest, AuthErrors) {
    SessionSetup s;
    s.implicit_tls = true;
    const std::string out = session(
        "AUTH\r\nAUTH CRAM-MD5\r\nAUTH PLAIN\r\n*\r\nAUTH PLAIN\r\n%%%\r\n"
        "AUTH PLAIN " +
            plain_ir(kUser, "bad") + "\r\nAUTH PLAIN " +
            base64_encode(std::string("bob\0", 4) + kUser + std::string("\0", 1) + kPassword) +
            "\r\nAUTH PLAIN " + base64_encode("garbage") + "\r\n" + "AUTH PLAIN\r\n" +
            std::string(kMaxAuthLine + 10, 'A') + "\r\n",
        s);
    EXPECT_EQ(out, kGreeting +
                       "+OK SASL mechanisms follow\r\nPLAIN\r\nLOGIN\r\n.\r\n"
                       "-ERR unrecognized authentication mechanism\r\n"
                       "+ \r\n-ERR authentication cancelled\r\n"
                       "+ \r\n-ERR invalid base64 data\r\n"
                       "-ERR [AUTH] authentication failed\r\n"
                       "-ERR [AUTH] authentication failed\r\n"
                       "-ERR [AUTH] malformed PLAIN message\r\n"
                       "+ \r\n-ERR authentication exchange line is too long\r\n")
        << out;
}

TEST_F(Pop3SessionTest, SecondSessionGetsInUse) {
    auto held = locks_.try_lock(alice_.id);
    ASSERT_TRUE(held);
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out =
        session(std::string("USER ") + kUser + "\r\nPASS " + kPassword + "\r\nSTAT\r\n", s);
    EXPECT_EQ(
        out,
        "+OK Tern POP3 server ready\r\n+OK send PASS\r\n-ERR [IN-USE] maildrop already locked\r\n"
        "-ERR command not valid in this state\r\n");
    EXPECT_TRUE(locks_.locked(alice_.id));  // still the first holder's
}

TEST_F(Pop3SessionTest, LockHeldDuringSessionAndReleasedAfter) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string login = std::string("USER ") + kUser + "\r\nPASS " + kPassword + "\r\n";
    // A session that ends without QUIT releases the lock too.
    session(login, s);
    EXPECT_FALSE(locks_.locked(alice_.id));
    EXPECT_TRUE(locks_.try_lock(alice_.id).has_value());
    EXPECT_FALSE(locks_.locked(alice_.id));
}

TEST_F(Pop3SessionTest, StateRules) {
    EXPECT_EQ(
        session("STAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nNOOP\r\nRSET\r\nTOP 1 1\r\nUIDL\r\n"),
        kGreeting + [] {
            std::string r;
            for (int i = 0; i < 8; ++i)
                r += "-ERR command not valid in this state\r\n";
            return r;
        }());
    EXPECT_EQ(logged_in(std::string("USER x\r\nPASS y\r\nAUTH PLAIN\r\nAPOP a b\r\n")),
              "-ERR command not valid in this state\r\n-ERR command not valid in this state\r\n"
              "-ERR command not valid in this state\r\n-ERR command not valid in this state\r\n");
}

TEST_F(Pop3SessionTest, SyntaxErrorsAndLongLines) {
    const std::string out = session("HELO\r\nRETR x\r\n" + std::string(300, 'N') + "\r\nCAPA\r\n");
    EXPECT_EQ(out.find(kGreeting + "-ERR unknown command\r\n-ERR invalid message number\r\n"
                                   "-ERR line too long\r\n+OK Capability list follows\r\n"),
              0u)
        << out;
}

TEST_F(Pop3SessionTest, TooManyErrorsCloses) {
    std::string in;
    for (int i = 0; i < 30; ++i)
        in += "BOGUS\r\n";
    const std::string out = session(in);
    EXPECT_EQ(out.size(), kGreeting.size() + 20 * std::string("-ERR unknown command\r\n").size() +
                              std::string("-ERR too many errors\r\n").size());
    EXPECT_EQ(out.substr(out.size() - 22), "-ERR too many errors\r\n");
}

TEST_F(Pop3SessionTest, WholeSessionOneOctetAtATime) {
    deliver("Subject: a\r\n\r\n.dot\r\n");
    SessionSetup s;
    s.chunk = 1;
    const std::string out = logged_in("STAT\r\nRETR 1\r\nQUIT\r\n", s);
    EXPECT_EQ(out,
              "+OK 1 20\r\n+OK 20 octets\r\nSubject: a\r\n\r\n..dot\r\n.\r\n"
              "+OK Tern POP3 server signing off (0 messages deleted)\r\n");
}

TEST_F(Pop3SessionTest, RefusalReply) {
    EXPECT_EQ(refusal_reply(net::Refusal::too_many_connections),
              "-ERR [SYS/TEMP] too many connections, try again later\r\n");
    EXPECT_EQ(refusal_reply(net::Refusal::too_many_from_ip),
              "-ERR [SYS/TEMP] too many connections from your address, try again later\r\n");
}

}  // namespace
}  // namespace tern::pop3::test

// IMAP transcripts, not-authenticated and any state: greeting, CAPABILITY,
// NOOP, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE (PLAIN, LOGIN, SASL-IR), the
// TLS requirement, ID, ENABLE, state rules, syntax errors and limits.
#include "base/strings.hpp"
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

std::string plain(const std::string& user, const std::string& pass) {
    return base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + pass);
}

TEST_F(ImapSessionTest, GreetingBeforeTlsOffersStarttlsAndDisablesLogin) {
    const std::string out = session("a CAPABILITY\r\nb LOGOUT\r\n");
    EXPECT_EQ(
        out.find("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED SASL-IR LITERAL+"),
        0u)
        << out;
    EXPECT_NE(out.find("] Tern ready\r\n"), std::string::npos);
    EXPECT_EQ(lines_with(out, "* CAPABILITY").find("AUTH="), std::string::npos);
    EXPECT_NE(out.find("* BYE Tern logging out\r\nb OK LOGOUT completed\r\n"), std::string::npos);
}

TEST_F(ImapSessionTest, CapabilityOverTlsOffersAuthNotStarttls) {
    SessionSetup s;
    s.implicit_tls = true;
    s.options.starttls_offered = false;
    const std::string caps = lines_with(session("a CAPABILITY\r\n", s), "* CAPABILITY");
    EXPECT_NE(caps.find(" AUTH=PLAIN AUTH=LOGIN"), std::string::npos) << caps;
    EXPECT_EQ(caps.find("STARTTLS"), std::string::npos);
    EXPECT_EQ(caps.find("LOGINDISABLED"), std::string::npos);
    for (const char* c :
         {"IDLE", "UIDPLUS", "MOVE", "UNSELECT", "NAMESPACE", "SPECIAL-USE", "LIST-EXTENDED",
          "LIST-STATUS", "STATUS=SIZE", "ENABLE", "ID", "CHILDREN"})
        EXPECT_NE(caps.find(std::string(" ") + c), std::string::npos) << c;
}

TEST_F(ImapSessionTest, LoginRefusedBeforeTls) {
    const std::string out =
        session(std::string("a LOGIN ") + kUser + " \"" + kPassword +
                "\"\r\nb AUTHENTICATE PLAIN " + plain(kUser, kPassword) + "\r\nc SELECT INBOX\r\n");
    EXPECT_NE(out.find("a NO [PRIVACYREQUIRED]"), std::string::npos) << out;
    EXPECT_NE(out.find("b NO [PRIVACYREQUIRED]"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD SELECT is not valid in this state"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, StarttlsThenLogin) {
    SessionSetup s;
    s.chunk = 12;  // "a STARTTLS\r\n" arrives alone, as a real client sends it
    const std::string out = session(std::string("a STARTTLS\r\nb CAPABILITY\r\nc LOGIN ") + kUser +
                                        " \"" + kPassword + "\"\r\nd STARTTLS\r\n",
                                    s);
    EXPECT_NE(out.find("a OK Begin TLS negotiation now\r\n"), std::string::npos) << out;
    const std::string caps = lines_with(out, "* CAPABILITY");
    EXPECT_EQ(caps.find("STARTTLS"), std::string::npos) << caps;
    EXPECT_NE(caps.find("AUTH=PLAIN"), std::string::npos) << caps;
    EXPECT_NE(out.find("c OK [CAPABILITY"), std::string::npos) << out;
    EXPECT_NE(out.find("d BAD STARTTLS is not valid in this state"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, StarttlsDiscardsPipelinedPlaintext) {
    // CVE-2011-0411: a command injected after STARTTLS in the same packet
    // must not run after the handshake.
    const std::string out =
        session(std::string("a STARTTLS\r\nx LOGIN ") + kUser + " \"" + kPassword + "\"\r\n");
    EXPECT_NE(out.find("a OK Begin TLS"), std::string::npos) << out;
    EXPECT_EQ(out.find("x "), std::string::npos) << out;
}

TEST_F(ImapSessionTest, StarttlsUnavailable) {
    SessionSetup s;
    s.tls_available = false;
    const std::string out = session("a STARTTLS\r\n", s);
    EXPECT_NE(out.find("a BAD STARTTLS not available"), std::string::npos) << out;
    EXPECT_EQ(out.find("STARTTLS LOGINDISABLED"), std::string::npos);
}

TEST_F(ImapSessionTest, LoginWrongPasswordThenRight) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session(std::string("a LOGIN ") + kUser + " wrong\r\nb LOGIN " + kUser +
                                        " \"" + kPassword + "\"\r\nc NOOP\r\n",
                                    s);
    EXPECT_NE(out.find("a NO [AUTHENTICATIONFAILED] authentication failed\r\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("b OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+"), std::string::npos) << out;
    EXPECT_NE(out.find("c OK NOOP completed"), std::string::npos) << out;
    EXPECT_EQ(log_.find(kPassword), std::string::npos) << "password in logs";
    EXPECT_NE(log_.find("imap.login"), std::string::npos);
}

TEST_F(ImapSessionTest, LoginThrottledAfterFailures) {
    SessionSetup s;
    s.allow_plaintext = true;
    std::string input;
    for (int i = 0; i < 12; ++i)
        input += "t" + std::to_string(i) + " LOGIN " + kUser + " wrong\r\n";
    const std::string out = session(input, s);
    EXPECT_NE(out.find("NO [UNAVAILABLE] too many failed logins"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, AuthenticatePlainWithInitialResponse) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out =
        session("a AUTHENTICATE PLAIN " + plain(kUser, kPassword) + "\r\nb SELECT INBOX\r\n", s);
    EXPECT_NE(out.find("a OK [CAPABILITY"), std::string::npos) << out;
    EXPECT_NE(out.find("] AUTHENTICATE completed"), std::string::npos) << out;
    EXPECT_NE(out.find("b OK [READ-WRITE]"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, AuthenticatePlainWithContinuation) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session("a AUTHENTICATE PLAIN\r\n" + plain(kUser, "bad") + "\r\n", s);
    EXPECT_NE(out.find("+ \r\na NO [AUTHENTICATIONFAILED]"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, AuthenticateLoginTwoChallenges) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session("a AUTHENTICATE LOGIN\r\n" + base64_encode(kUser) + "\r\n" +
                                        base64_encode(kPassword) + "\r\n",
                                    s);
    EXPECT_NE(out.find("+ " + base64_encode("Username:") + "\r\n+ " + base64_encode("Password:") +
                       "\r\na OK"),
              std::string::npos)
        << out;
}

TEST_F(ImapSessionTest, AuthenticateCancelledAndUnknownMechanism) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session(
        "a AUTHENTICATE PLAIN\r\n*\r\nb AUTHENTICATE CRAM-MD5\r\nc AUTHENTICATE PLAIN "
        "!!!\r\n",
        s);
    EXPECT_NE(out.find("a BAD authentication cancelled"), std::string::npos) << out;
    EXPECT_NE(out.find("b NO unsupported authentication mechanism"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, IdEnableNamespace) {
    const std::string out = logged_in(
        "b ID (\"name\" \"test\")\r\nc ENABLE CONDSTORE\r\n"
        "d NAMESPACE\r\n");
    EXPECT_NE(out.find("* ID (\"name\" \"Tern\""), std::string::npos) << out;
    EXPECT_NE(out.find("* ENABLED CONDSTORE\r\nc OK"), std::string::npos) << out;
    EXPECT_NE(out.find("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\nd OK"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, SyntaxErrorsGetBadAndSessionGoesOn) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session(
        "a FROBNICATE\r\n\r\nb SELECT\r\nc SORT (DATE) UTF-8 ALL\r\n"
        "d NOOP\r\n",
        s);
    EXPECT_NE(out.find("a BAD Unknown command FROBNICATE"), std::string::npos) << out;
    EXPECT_NE(out.find("* BAD"), std::string::npos) << out;
    EXPECT_NE(out.find("b BAD"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD"), std::string::npos) << out;
    EXPECT_NE(out.find("d OK NOOP completed"), std::string::npos) << out;
}

TEST_F(ImapSessionTest, TooManyErrorsCloses) {
    std::string input;
    for (int i = 0; i < 25; ++i)
        input += "x" + std::to_string(i) + " BOGUS\r\n";
    const std::string out = session(input);
    EXPECT_NE(out.find("* BYE too many errors\r\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("x21 "), std::string::npos) << out;
}

TEST_F(ImapSessionTest, ShutdownSaysBye) {
    SessionSetup s;
    s.end = net::IoStatus::shutdown;
    EXPECT_NE(session("", s).find("* BYE server shutting down\r\n"), std::string::npos);
    s.end = net::IoStatus::timeout;
    EXPECT_NE(session("", s).find("* BYE autologout"), std::string::npos);
}

TEST_F(ImapSessionTest, OverlongLineIsRefused) {
    SessionSetup s;
    s.allow_plaintext = true;
    const std::string out = session("a NOOP " + std::string(70000, 'x') + "\r\nb NOOP\r\n", s);
    EXPECT_NE(out.find("a BAD"), std::string::npos) << out.substr(0, 300);
    EXPECT_NE(out.find("b OK NOOP completed"), std::string::npos) << out.substr(0, 300);
}

}  // namespace
}  // namespace tern::imap::test

// IMAP transcripts: UTF8=ACCEPT (RFC 6855) — ENABLE, UTF-8 mailbox names
// against modified UTF-7 for sessions that did not enable it, UTF8 APPEND,
// 8-bit quoted strings, the CHARSET rules — and BINARY (RFC 3516) used by
// an IMAP4rev1 session: FETCH BINARY/BINARY.PEEK/BINARY.SIZE, UNKNOWN-CTE
// and APPEND of a literal8.
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

// "Café" and "日本" in UTF-8, and "Café/日本" in modified UTF-7 (RFC 3501
// 5.1.3).
const std::string kCafe = "Caf\xc3\xa9";
const std::string kNihon = "\xe6\x97\xa5\xe6\x9c\xac";
const std::string kCafeMutf7 = "Caf&AOk-";
const std::string kNihonMutf7 = "&ZeVnLA-";

// A message whose header fields carry raw UTF-8 (RFC 6532).
const std::string kSubject = "caf\xc3\xa9 au lait";
const std::string kUtf8Msg =
    "From: J\xc3\xb6rg <jorg@example.test>\r\nSubject: " + kSubject + "\r\n\r\nBody\r\n";
const std::string kAsciiMsg = "From: bob@example.test\r\nSubject: Hello\r\n\r\nBody\r\n";

bool has(const std::string& out, const std::string& what) {
    return out.find(what) != std::string::npos;
}

// RFC 7888 non-synchronizing forms, so the whole input can be sent at once.
std::string literal8(const std::string& s) {
    return "~{" + std::to_string(s.size()) + "+}\r\n" + s;
}

TEST_F(ImapSessionTest, Utf8AcceptAndBinaryAreAdvertisedAndEnableWorks) {
    const std::string out = logged_in(
        "b CAPABILITY\r\nc ENABLE UTF8=ACCEPT\r\nd ENABLE UTF8=ACCEPT CONDSTORE\r\n"
        "e SELECT INBOX\r\nf ENABLE UTF8=ACCEPT\r\n");
    const std::string caps = lines_with(out, "* CAPABILITY");
    EXPECT_TRUE(has(caps, " UTF8=ACCEPT ")) << caps;
    EXPECT_TRUE(has(caps, " BINARY ")) << caps;
    // RFC 5161 3.1: ENABLED lists only what this command turned on.
    EXPECT_TRUE(has(out, "* ENABLED UTF8=ACCEPT\r\nc OK")) << out;
    EXPECT_TRUE(has(out, "* ENABLED CONDSTORE\r\nd OK")) << out;
    // RFC 6855 3: ENABLE UTF8=ACCEPT only in the authenticated state.
    EXPECT_TRUE(has(out, "f BAD ENABLE is not valid in this state")) << out;
    // Before login the capability is offered as well.
    const std::string greeting = session("a CAPABILITY\r\nb LOGOUT\r\n");
    EXPECT_TRUE(has(lines_with(greeting, "* CAPABILITY"), " UTF8=ACCEPT ")) << greeting;
}

// RFC 6855 3: after ENABLE UTF8=ACCEPT names travel as UTF-8 in both
// directions; another session that did not enable it sees the same
// mailboxes in modified UTF-7 (RFC 3501 5.1.3).
TEST_F(ImapSessionTest, Utf8MailboxNamesAfterEnableModifiedUtf7Otherwise) {
    const std::string full = kCafe + "/" + kNihon;
    const std::string out = logged_in(
        "b ENABLE UTF8=ACCEPT\r\nc CREATE \"" + full + "\"\r\nd LIST \"\" \"Caf*\"\r\n" +
        "e STATUS \"" + kCafe + "\" (MESSAGES)\r\nf SELECT \"" + full + "\"\r\ng UNSELECT\r\n" +
        "h CREATE &AOk-\r\ni LIST \"\" \"&*\"\r\nj LSUB \"\" \"*\"\r\nk SUBSCRIBE \"" + kCafe +
        "\"\r\nl LSUB \"\" \"C*\"\r\n");
    EXPECT_TRUE(has(out, "c OK")) << out;
    EXPECT_TRUE(has(out, "* LIST (\\HasChildren) \"/\" \"" + kCafe + "\"\r\n")) << out;
    EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren) \"/\" \"" + full + "\"\r\nd OK")) << out;
    EXPECT_TRUE(has(out, "* STATUS \"" + kCafe + "\" (MESSAGES 0)\r\ne OK")) << out;
    EXPECT_TRUE(has(out, "f OK [READ-WRITE]")) << out;
    // Modified UTF-7 is not decoded any more: "&AOk-" is a name of its own.
    EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren) \"/\" &AOk-\r\ni OK")) << out;
    EXPECT_TRUE(has(out, "* LSUB () \"/\" \"" + kCafe + "\"\r\nl OK")) << out;
    EXPECT_FALSE(has(out, kCafeMutf7)) << out;

    const std::string other = logged_in(
        "b LIST \"\" \"*\"\r\nc STATUS " + kCafeMutf7 + " (MESSAGES)\r\nd SELECT " + kCafeMutf7 +
        "/" + kNihonMutf7 + "\r\ne CREATE \"" + kCafe + "x\"\r\n" + "f LSUB \"\" \"C*\"\r\n");
    EXPECT_TRUE(has(other, "* LIST (\\HasChildren) \"/\" " + kCafeMutf7 + "\r\n")) << other;
    EXPECT_TRUE(
        has(other, "* LIST (\\HasNoChildren) \"/\" " + kCafeMutf7 + "/" + kNihonMutf7 + "\r\n"))
        << other;
    EXPECT_TRUE(has(other, "* LIST (\\HasNoChildren) \"/\" &-AOk-\r\n")) << other;
    EXPECT_TRUE(has(other, "* STATUS " + kCafeMutf7 + " (MESSAGES 0)\r\nc OK")) << other;
    EXPECT_TRUE(has(other, "d OK [READ-WRITE]")) << other;
    // RFC 3501 9: no 8-bit in a quoted string without UTF8=ACCEPT.
    EXPECT_TRUE(has(other, "e BAD ")) << other;
    EXPECT_TRUE(has(other, "* LSUB () \"/\" " + kCafeMutf7 + "\r\nf OK")) << other;
    EXPECT_FALSE(has(other, "\xc3")) << other;
}

// RFC 6855 4: APPEND ... UTF8 (literal8) is BAD until the client enabled
// UTF8=ACCEPT (IMAP4rev2 alone is not enough), then accepted.
TEST_F(ImapSessionTest, Utf8AppendOnlyAfterEnable) {
    const std::string append = "APPEND INBOX UTF8 (" + literal8(kUtf8Msg) + ")\r\n";
    const std::string out =
        logged_in("b " + append + "c ENABLE IMAP4rev2\r\nd " + append +
                  "e ENABLE UTF8=ACCEPT\r\nf " + append + "g APPEND INBOX (\\Seen) UTF8 (" +
                  literal8(kAsciiMsg) + ") " + literal8(kAsciiMsg) + "\r\n");
    EXPECT_TRUE(has(out, "b BAD UTF8 APPEND data needs ENABLE UTF8=ACCEPT")) << out;
    EXPECT_TRUE(has(out, "d BAD UTF8 APPEND data needs ENABLE UTF8=ACCEPT")) << out;
    EXPECT_TRUE(has(out, "f OK [APPENDUID ")) << out;
    EXPECT_TRUE(has(out, "g OK [APPENDUID ")) << out;  // MULTIAPPEND mixing both forms
    const auto stored = messages();
    ASSERT_EQ(stored.size(), 3u);
    EXPECT_EQ(stored[0].size, kUtf8Msg.size());
    EXPECT_EQ(stored[1].flags, (std::vector<std::string>{"\\Seen"}));
    const std::string fetched = logged_in("b SELECT INBOX\r\nc FETCH 1 (BODY.PEEK[])\r\n");
    EXPECT_TRUE(has(fetched, "BODY[] {" + std::to_string(kUtf8Msg.size()) + "}\r\n" + kUtf8Msg))
        << fetched;
}

// RFC 6855 3: quoted strings carry UTF-8 only after ENABLE UTF8=ACCEPT;
// before, 8-bit data must come as a literal and a quoted one is BAD (the
// session goes on). After it, SEARCH must not name a CHARSET, and SORT and
// THREAD must name UTF-8 (RFC 6855 erratum 4029).
TEST_F(ImapSessionTest, EightBitQuotedStringsAndCharsetsAfterEnable) {
    deliver(kUtf8Msg);
    deliver(kAsciiMsg);
    const std::string q = "\"caf\xc3\xa9\"";
    const std::string out = logged_in(
        "b SELECT INBOX\r\nc SEARCH SUBJECT " + q + "\r\nd SEARCH CHARSET UTF-8 SUBJECT {5+}\r\n" +
        "caf\xc3\xa9\r\ne UNSELECT\r\nf ENABLE UTF8=ACCEPT\r\ng SELECT INBOX\r\n" +
        "h SEARCH SUBJECT " + q + "\r\ni SEARCH CHARSET UTF-8 SUBJECT " + q + "\r\n" +
        "j SORT (SUBJECT) US-ASCII ALL\r\nk SORT (SUBJECT) UTF-8 SUBJECT " + q + "\r\n" +
        "l THREAD REFERENCES US-ASCII ALL\r\nm SEARCH SUBJECT \"caf\xc3\"\r\n" +
        "n SEARCH FROM \"J\xc3\xb6rg\"\r\n");
    EXPECT_TRUE(has(out, "c BAD 8-bit")) << out;
    EXPECT_TRUE(has(out, "* SEARCH 1\r\nd OK")) << out;
    EXPECT_TRUE(has(out, "* SEARCH 1\r\nh OK")) << out;
    EXPECT_TRUE(has(out, "i BAD SEARCH CHARSET is not allowed")) << out;
    EXPECT_TRUE(has(out, "j BAD SORT charset must be UTF-8")) << out;
    EXPECT_TRUE(has(out, "* SORT 1\r\nk OK")) << out;
    EXPECT_TRUE(has(out, "l BAD THREAD charset must be UTF-8")) << out;
    EXPECT_TRUE(has(out, "m BAD Quoted string is not valid UTF-8")) << out;
    EXPECT_TRUE(has(out, "* SEARCH 1\r\nn OK")) << out;
}

// RFC 6855 5: a client that did not enable UTF8=ACCEPT never gets UTF-8 in
// a quoted string; header values with raw UTF-8 come as literals.
TEST_F(ImapSessionTest, Utf8HeadersReachLegacyClientsAsLiterals) {
    deliver(kUtf8Msg);
    const std::string out = selected("b FETCH 1 (ENVELOPE)\r\n");
    EXPECT_TRUE(has(out, "{" + std::to_string(kSubject.size()) + "}\r\n" + kSubject)) << out;
    EXPECT_FALSE(has(out, "\"" + kSubject)) << out;
    EXPECT_FALSE(has(out, "\"J\xc3\xb6rg")) << out;
}

// RFC 3516 4.1: BINARY, BINARY.PEEK and BINARY.SIZE from a session that
// never enabled IMAP4rev2; decoded bytes as literal8; 4.3: UNKNOWN-CTE.
TEST_F(ImapSessionTest, BinaryFetchFromRev1Session) {
    const std::string msg =
        "From: bob@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        "--XX\r\nContent-Type: text/plain\r\n\r\nPlain text\r\n"
        "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        "\r\nSGVsbG8AV29ybGQ=\r\n"
        "--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nUryyb\r\n"
        "--XX--\r\n";
    deliver(msg);
    const std::string decoded("Hello\0World", 11);
    const std::string out = selected(
        "b FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])\r\nc FETCH 1 (FLAGS)\r\n"
        "d FETCH 1 (BINARY[2]<0.5>)\r\ne UID FETCH 1 (BINARY.PEEK[1])\r\n"
        "f FETCH 1 (BINARY[3])\r\ng FETCH 1 (BINARY[2.MIME])\r\n");
    EXPECT_TRUE(
        has(out, "* 1 FETCH (BINARY[2] ~{11}\r\n" + decoded + " BINARY.SIZE[2] 11)\r\nb OK"))
        << out;
    EXPECT_TRUE(has(out, "* 1 FETCH (FLAGS ())\r\nc OK")) << out;  // PEEK left \Seen alone
    // Without .PEEK the \Seen flag is set and reported (RFC 3516 4.1).
    // RFC 3516 4.1: bytes without NUL may come as a plain string.
    EXPECT_TRUE(has(out, "* 1 FETCH (BINARY[2]<0> \"Hello\" FLAGS (\\Seen))\r\nd OK")) << out;
    EXPECT_TRUE(has(out, "Plain text")) << out;
    EXPECT_TRUE(has(out, "e OK")) << out;
    EXPECT_TRUE(has(out, "f NO [UNKNOWN-CTE]")) << out;
    EXPECT_TRUE(has(out, "g BAD")) << out;  // RFC 3516 4.1: part numbers only
}

// RFC 3516 4.2: APPEND takes a literal8, synchronizing ("+" continuation)
// or not, and keeps the bytes (NUL included) as they came.
TEST_F(ImapSessionTest, Literal8AppendFromRev1Session) {
    const std::string body("A\0B\x01\xff\r\n", 7);
    const std::string msg =
        "From: bob@example.test\r\nSubject: bin\r\nMIME-Version: 1.0\r\n"
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
        body;
    // The synchronizing form: the data follows the server's "+" (RFC 9051
    // 4.3), so the step adds it only then.
    SessionSetup setup;
    setup.steps.push_back({"\r\n+ ", nullptr,
                           msg + "\r\nc APPEND INBOX " + literal8(msg) + "\r\n" +
                               "d APPEND INBOX {" + std::to_string(msg.size()) + "+}\r\n" + msg +
                               "\r\ne SELECT INBOX\r\n" +
                               "f FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1] RFC822.SIZE)\r\n"});
    setup.allow_plaintext = true;
    const std::string out =
        session(std::string("a LOGIN ") + kUser + " \"" + kPassword + "\"\r\nb APPEND INBOX ~{" +
                    std::to_string(msg.size()) + "}\r\n",
                setup);
    EXPECT_TRUE(has(out, "a OK [CAPABILITY")) << out;
    EXPECT_TRUE(has(out, "+ Ready for literal data\r\nb OK [APPENDUID ")) << out;
    EXPECT_TRUE(has(out, "c OK [APPENDUID ")) << out;
    // RFC 9051 4.3: a plain literal cannot carry NUL.
    EXPECT_TRUE(has(out, "d BAD")) << out;
    EXPECT_TRUE(has(out, "* 2 FETCH (BINARY[1] ~{7}\r\n" + body + " BINARY.SIZE[1] 7 RFC822.SIZE " +
                             std::to_string(msg.size()) + ")\r\nf OK"))
        << out;
    const auto stored = messages();
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[0].size, msg.size());
}

}  // namespace
}  // namespace tern::imap::test

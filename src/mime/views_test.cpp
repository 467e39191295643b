// ENVELOPE and BODY/BODYSTRUCTURE, compared with the exact strings the
// RFC 9051 7.5.2 grammar prescribes, and checked by the grammar checker.
#include <gtest/gtest.h>

#include "mime/bodystructure.hpp"
#include "mime/envelope.hpp"
#include "mime/imap_grammar.hpp"
#include "mime/imap_string.hpp"

namespace tern::mime {
namespace {

// The message of RFC 3501 6.3.11 (APPEND example).
const char* kAppendExample =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
    "From: Fred Foobar <foobar@Blurdybloop.example>\r\n"
    "Subject: afternoon meeting\r\n"
    "To: mooch@owatagu.siam.edu.example\r\n"
    "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    "\r\n"
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

TEST(MimeViews, EnvelopeOfRfc3501Example) {
    Message m = parse(kAppendExample);
    const std::string fred = "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\"))";
    EXPECT_EQ(envelope(m), "(\"Mon, 7 Feb 1994 21:52:25 -0800 (PST)\" \"afternoon meeting\" " +
                               fred + " " + fred + " " + fred +
                               " ((NIL NIL \"mooch\" \"owatagu.siam.edu.example\")) NIL NIL NIL "
                               "\"<B27397-0100000@Blurdybloop.example>\")");
    EXPECT_TRUE(testing::check_envelope(envelope(m)).ok);
}

TEST(MimeViews, BodyOfRfc3501Example) {
    Message m = parse(kAppendExample);
    EXPECT_EQ(bodystructure(m, false),
              "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1)");
    EXPECT_EQ(
        bodystructure(m, true),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1 NIL NIL NIL NIL)");
}

TEST(MimeViews, DefaultsWithNoHeaders) {
    Message m = parse("\r\nbody\r\n");
    EXPECT_EQ(envelope(m), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    EXPECT_EQ(bodystructure(m, false),
              "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1)");
    Message empty = parse("");
    EXPECT_EQ(bodystructure(empty, false),
              "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)");
}

TEST(MimeViews, StringsNeedingEscapesOrLiterals) {
    std::string out;
    append_string(out, "a \"q\" \\ b");
    EXPECT_EQ(out, "\"a \\\"q\\\" \\\\ b\"");
    out.clear();
    append_string(out, "caf\xC3\xA9");
    EXPECT_EQ(out, "{5}\r\ncaf\xC3\xA9");
    out.clear();
    append_string(out, std::string("a\0b", 3));
    EXPECT_EQ(out, "\"ab\"");

    Message m =
        parse("Subject: caf\xC3\xA9 \"quoted\"\r\nFrom: \"A \\\"B\\\"\" <a@b.test>\r\n\r\n");
    std::string env = envelope(m);
    EXPECT_EQ(env,
              "(NIL {14}\r\ncaf\xC3\xA9 \"quoted\" ((\"A \\\"B\\\"\" NIL \"a\" \"b.test\")) "
              "((\"A \\\"B\\\"\" NIL \"a\" \"b.test\")) ((\"A \\\"B\\\"\" NIL \"a\" \"b.test\")) "
              "NIL NIL NIL NIL NIL)");
    EXPECT_TRUE(testing::check_envelope(env).ok) << testing::check_envelope(env).error;
}

TEST(MimeViews, EnvelopeGroupsAndMissingParts) {
    Message m = parse(
        "From: a@b.test\r\nSender: \r\nReply-To: r@b.test\r\nTo: Team: x@y.test, z@y.test;\r\n"
        "Cc: Undisclosed recipients:;\r\nBcc: nodomain\r\nIn-Reply-To: <p@q>\r\n"
        "Subject: =?utf-8?q?raw?=\r\n\r\n");
    std::string env = envelope(m);
    EXPECT_EQ(env,
              "(NIL \"=?utf-8?q?raw?=\" ((NIL NIL \"a\" \"b.test\")) ((NIL NIL \"a\" \"b.test\")) "
              "((NIL NIL \"r\" \"b.test\")) "
              "((NIL NIL \"Team\" NIL)(NIL NIL \"x\" \"y.test\")(NIL NIL \"z\" \"y.test\")(NIL NIL "
              "NIL NIL)) "
              "((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL)) "
              "((NIL NIL \"nodomain\" \"MISSING_DOMAIN\")) \"<p@q>\" NIL)");
    auto r = testing::check_envelope(env);
    EXPECT_TRUE(r.ok) << r.error;
}

// multipart/signed with a nested message/rfc822, RFC 2231 and extension data.
TEST(MimeViews, MultipartSignedWithNestedMessage) {
    std::string raw =
        "From: a@b.test\r\n"
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; "
        "micalg=pgp-sha256;\r\n"
        " boundary=\"sig\"\r\n\r\n"
        "--sig\r\n"
        "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n"
        "--mix\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        "quoted-printable\r\n\r\n"
        "caf=C3=A9\r\n"
        "--mix\r\n"
        "Content-Type: message/rfc822\r\nContent-Disposition: attachment;\r\n"
        " filename*=utf-8''r%C3%A9sum%C3%A9.eml\r\n\r\n"
        "Subject: inner\r\nFrom: c@d.test\r\n\r\nhi\r\n"
        "--mix--\r\n"
        "--sig\r\n"
        "Content-Type: application/pgp-signature\r\nContent-Language: en\r\n\r\n"
        "SIG\r\n"
        "--sig--\r\n";
    Message m = parse(raw);
    std::string inner_env =
        "(NIL \"inner\" ((NIL NIL \"c\" \"d.test\")) ((NIL NIL \"c\" \"d.test\")) "
        "((NIL NIL \"c\" \"d.test\")) NIL NIL NIL NIL NIL)";
    std::string expected =
        "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 9 1 NIL NIL "
        "NIL NIL)"
        "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 36 " +
        inner_env +
        " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 2 1 NIL NIL NIL NIL) 4"
        " NIL (\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''r%C3%A9sum%C3%A9.eml\")) NIL NIL)"
        " \"MIXED\" (\"BOUNDARY\" \"mix\") NIL NIL NIL)"
        "(\"APPLICATION\" \"PGP-SIGNATURE\" NIL NIL NIL \"7BIT\" 3 NIL NIL \"en\" NIL)"
        " \"SIGNED\" (\"PROTOCOL\" \"application/pgp-signature\" \"MICALG\" \"pgp-sha256\" "
        "\"BOUNDARY\" \"sig\")"
        " NIL NIL NIL)";
    EXPECT_EQ(bodystructure(m, true), expected);
    auto r = testing::check_body(bodystructure(m, true), true);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.parts.size(), 4u);
    EXPECT_EQ(r.parts[0].path, "1.1");
    EXPECT_EQ(r.parts[1].path, "1.2");
    EXPECT_EQ(r.parts[2].path, "1.2.1");
    EXPECT_EQ(r.parts[3].path, "2");

    std::string body = bodystructure(m, false);
    EXPECT_EQ(body.find("ATTACHMENT"), std::string::npos);
    EXPECT_TRUE(testing::check_body(body, false).ok);
    EXPECT_FALSE(testing::check_body(bodystructure(m, true), false).ok);  // BODY has no extensions
}

// Every prefix of a structured message still gives grammatical views.
TEST(MimeViews, EveryPrefixStaysGrammatical) {
    std::string raw =
        "From: \"A\" <a@b.test>\r\nTo: G: x@y.test;\r\n"
        "Content-Type: multipart/mixed; boundary=o\r\n\r\npre\r\n"
        "--o\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n"
        "Content-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n\r\na\r\n--i--\r\n"
        "--o\r\nContent-Type: text/plain; name*0*=utf-8''%C3; "
        "name*1*=%A9\r\n\r\nx\r\n--o--\r\nepi\r\n";
    for (std::size_t cut = 0; cut <= raw.size(); ++cut) {
        Message m = parse(std::string_view(raw).substr(0, cut));
        auto env = testing::check_envelope(envelope(m));
        ASSERT_TRUE(env.ok) << cut << ": " << env.error;
        auto body = testing::check_body(bodystructure(m, true), true);
        ASSERT_TRUE(body.ok) << cut << ": " << body.error;
    }
}

TEST(MimeViews, GrammarCheckerRejectsMalformedLists) {
    EXPECT_FALSE(
        testing::check_body("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5)", false).ok);  // no lines
    EXPECT_FALSE(testing::check_body("(\"TEXT\" \"PLAIN\" () NIL NIL \"7BIT\" 5 1)", false).ok);
    EXPECT_FALSE(
        testing::check_body("((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1) \"MIXED\"", false).ok);
    EXPECT_FALSE(
        testing::check_body("(\"APPLICATION\" \"X\" NIL NIL NIL \"7BIT\" {3}\r\nabc)", false).ok);
    EXPECT_TRUE(testing::check_body("(\"APPLICATION\" \"X\" NIL NIL NIL {4}\r\n7BIT 3)", false).ok);
    EXPECT_FALSE(
        testing::check_envelope("(NIL NIL ((NIL NIL NIL \"x\")) NIL NIL NIL NIL NIL NIL NIL)").ok);
    EXPECT_FALSE(testing::check_envelope("(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)").ok);
}

}  // namespace
}  // namespace tern::mime

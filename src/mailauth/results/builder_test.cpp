// Authentication-Results builder (RFC 8601 2.2): layout, quoting, folding.
#include "mailauth/results/builder.hpp"

#include <gtest/gtest.h>

#include "base/strings.hpp"

namespace tern::mailauth::results {
namespace {

std::vector<std::string> lines(const std::string& field) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t crlf; (crlf = field.find("\r\n", start)) != std::string::npos;
         start = crlf + 2)
        out.push_back(field.substr(start, crlf - start));
    EXPECT_EQ(start, field.size()) << "the field must end in CRLF";
    return out;
}

TEST(AuthResultsBuilder, AllMethods) {
    AuthResultsBuilder b("mx.tern.test");
    b.add_spf("pass", "alice@example.com")
        .add_dkim("pass", "example.com", "sel1", "AbCdEfGhIjKlMnOp")
        .add_dmarc("pass", "example.com")
        .add_arc("none");
    EXPECT_EQ(b.field(),
              "Authentication-Results: mx.tern.test;\r\n"
              "\tspf=pass smtp.mailfrom=alice@example.com;\r\n"
              "\tdkim=pass header.d=example.com header.s=sel1 header.b=AbCdEfGh;\r\n"
              "\tdmarc=pass header.from=example.com;\r\n"
              "\tarc=none\r\n");
}

TEST(AuthResultsBuilder, IprevCarriesTheClientAddressAndPtrName) {
    // RFC 8601 2.7.3 and its Appendix B: iprev=<result> policy.iprev=<IP>.
    AuthResultsBuilder b("mx.tern.test");
    b.add_iprev("pass", "192.0.2.200", "mail.example.net").add_spf("pass", "a@example.net");
    EXPECT_EQ(b.field(),
              "Authentication-Results: mx.tern.test;\r\n"
              "\tiprev=pass policy.iprev=192.0.2.200 (mail.example.net);\r\n"
              "\tspf=pass smtp.mailfrom=a@example.net\r\n");
    // IPv6 has ':' (a tspecial): a quoted-string; no name, no comment.
    EXPECT_EQ(AuthResultsBuilder("mx.tern.test").add_iprev("temperror", "2001:db8::25").field(),
              "Authentication-Results: mx.tern.test;\r\n"
              "\tiprev=temperror policy.iprev=\"2001:db8::25\"\r\n");
}

TEST(AuthResultsBuilder, CommentsAreEscapedAndAscii) {
    // A hostile PTR name cannot close the comment, start a field or smuggle
    // 8-bit bytes (RFC 5322 3.2.2 ctext, quoted-pair).
    std::string field = AuthResultsBuilder("mx.tern.test")
                            .add_iprev("fail", "192.0.2.1", "a)b(c\\d\r\nX-Evil: 1\xc3\xa9")
                            .field();
    EXPECT_EQ(field,
              "Authentication-Results: mx.tern.test;\r\n"
              "\tiprev=fail policy.iprev=192.0.2.1 (a\\)b\\(c\\\\dX-Evil: 1?"
              "?)\r\n");
}

TEST(AuthResultsBuilder, NoResults) {
    // RFC 8601 2.2 no-result.
    EXPECT_EQ(AuthResultsBuilder("mx.tern.test").field(),
              "Authentication-Results: mx.tern.test; none\r\n");
}

TEST(AuthResultsBuilder, QuotesWhatIsNotAToken) {
    AuthResultsBuilder b("mx tern");
    // header.b with '/', '+' and '=' (base64) must be quoted: '/' and '='
    // are RFC 2045 tspecials.
    b.add_dkim("fail", "example.com", "s", "ab/+\r\n\t=cdXYZ");
    b.add_spf("fail", "\"odd local\"@example.com");
    b.add_spf("none", "", "helo.example.com");
    ResInfo custom{"dmarc", "fail", "quote \" and \\ here", {{"policy.dmarc", "reject"}}};
    b.add(custom);
    EXPECT_EQ(b.field(),
              "Authentication-Results: \"mx tern\";\r\n"
              "\tdkim=fail header.d=example.com header.s=s header.b=\"ab/+=cdX\";\r\n"
              "\tspf=fail smtp.mailfrom=\"\\\"odd local\\\"@example.com\";\r\n"
              "\tspf=none smtp.helo=helo.example.com;\r\n"
              "\tdmarc=fail reason=\"quote \\\" and \\\\ here\" policy.dmarc=reject\r\n");
}

TEST(AuthResultsBuilder, ForgedLineBreaksCannotStartAField) {
    AuthResultsBuilder b("mx.tern.test");
    b.add_spf("pass", "a@example.com\r\nAuthentication-Results: mx.tern.test; dkim=pass");
    b.add_dmarc("pass", "example.com\n\tX-Evil: 1");
    const std::string field = b.field();
    for (const std::string& line : lines(field)) {
        EXPECT_EQ(line.find('\n'), std::string::npos);
        EXPECT_EQ(line.find('\r'), std::string::npos);
    }
    // Exactly one field: every line after the first is a continuation.
    const auto ls = lines(field);
    for (std::size_t i = 1; i < ls.size(); ++i)
        EXPECT_TRUE(ls[i].front() == '\t' || ls[i].front() == ' ') << ls[i];
    EXPECT_NE(field.find("\"a@example.comAuthentication-Results: mx.tern.test; dkim=pass\""),
              std::string::npos);
}

TEST(AuthResultsBuilder, BadKeywordsAndPropertyNamesAreNotWritten) {
    AuthResultsBuilder b("mx.tern.test");
    ResInfo info{"dkim; spf", "pass=1", {}, {{"header", "x"}, {"header.d", "example.com"}}};
    b.add(info);
    EXPECT_EQ(b.field(),
              "Authentication-Results: mx.tern.test;\r\n"
              "\tunknown=permerror header.d=example.com\r\n");
}

TEST(AuthResultsBuilder, FoldsAt78Columns) {
    AuthResultsBuilder b("mx.tern.test");
    for (int i = 0; i < 5; ++i) {
        b.add_dkim("pass", "a-rather-long-subdomain-name-" + std::to_string(i) + ".example.com",
                   "selector-with-a-long-name-2024", "0123456789abcdef");
    }
    b.add_spf("pass", std::string(100, 'x') + "@example.com");  // one word longer than a line
    const std::string field = b.field();
    const auto ls = lines(field);
    ASSERT_GT(ls.size(), 7u);
    for (const std::string& line : ls) {
        if (line.find(std::string(100, 'x')) == std::string::npos) {
            EXPECT_LE(line.size(), 78u) << line;
        }
    }
    // Unfolding gives back the words separated by single spaces.
    std::string unfolded;
    for (const std::string& line : ls)
        unfolded += (unfolded.empty() ? "" : " ") + std::string(trim(line));
    EXPECT_NE(unfolded.find("dkim=pass header.d=a-rather-long-subdomain-name-3.example.com "
                            "header.s=selector-with-a-long-name-2024 header.b=01234567;"),
              std::string::npos);
}

TEST(AuthResultsBuilder, Utf8ValuesAreQuoted) {
    AuthResultsBuilder b("mx.tern.test");
    b.add_spf("pass", "j\xc3\xb6rg@example.com");
    EXPECT_NE(b.field().find("smtp.mailfrom=\"j\xc3\xb6rg@example.com\""), std::string::npos);
}

}  // namespace
}  // namespace tern::mailauth::results

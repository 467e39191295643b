// The pure parts of MTA-STS: policy files (RFC 8461 3.2), TXT records
// (RFC 8461 3.1) and MX patterns (RFC 8461 4.1).
#include "mtasts/policy.hpp"

#include <gtest/gtest.h>

namespace tern::mtasts {
namespace {

// RFC 8461 3.2, the example policy (with the CRLF line ends the RFC uses).
constexpr std::string_view kRfcExample =
    "version: STSv1\r\n"
    "mode: enforce\r\n"
    "mx: mail.example.com\r\n"
    "mx: *.example.net\r\n"
    "mx: backupmx.example.com\r\n"
    "max_age: 604800\r\n";

TEST(ParsePolicy, RfcExample) {
    auto p = parse_policy(kRfcExample);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mode, Policy::Mode::enforce);
    EXPECT_EQ(p->max_age, 604800u);
    EXPECT_EQ(p->mx, (std::vector<std::string>{"mail.example.com", "*.example.net",
                                               "backupmx.example.com"}));
    EXPECT_TRUE(p->allows("mail.example.com"));
    EXPECT_TRUE(p->allows("mx1.example.net"));
    EXPECT_FALSE(p->allows("mx.attacker.example"));
}

TEST(ParsePolicy, LfLinesAndNoFinalTerminatorParseTheSame) {
    auto crlf = parse_policy(kRfcExample);
    auto lf = parse_policy(
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
        "mx: backupmx.example.com\nmax_age: 604800");
    ASSERT_TRUE(crlf.ok());
    ASSERT_TRUE(lf.ok()) << lf.error().message;
    EXPECT_EQ(*crlf, *lf);
}

TEST(ParsePolicy, WhitespaceAroundValuesIsTrimmed) {
    auto p = parse_policy("version:   STSv1 \r\nmode:\tTesting\r\n");
    EXPECT_FALSE(p.ok());  // mode values are case-sensitive (%s)
    p = parse_policy(
        "version:   STSv1 \r\nmode:\ttesting  \r\nmx:  mx.example.org\t\r\nmax_age: 86400 \r\n");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mode, Policy::Mode::testing);
    EXPECT_EQ(p->mx, std::vector<std::string>{"mx.example.org"});
    EXPECT_EQ(p->max_age, 86400u);
}

TEST(ParsePolicy, MissingFieldsAreInvalid) {
    struct Case {
        std::string_view body;
        std::string_view reason;
    } cases[] = {
        {"mode: enforce\nmx: a.example\nmax_age: 1\n", "version"},
        {"version: STSv1\nmx: a.example\nmax_age: 1\n", "mode"},
        {"version: STSv1\nmode: enforce\nmx: a.example\n", "max_age"},
        {"version: STSv1\nmode: enforce\nmax_age: 1\n", "mx"},
        {"", "version"},
    };
    for (const Case& c : cases) {
        auto p = parse_policy(c.body);
        ASSERT_FALSE(p.ok()) << c.body;
        EXPECT_EQ(p.error().code, Errc::invalid);
        EXPECT_NE(p.error().message.find(c.reason), std::string::npos) << p.error().message;
    }
}

TEST(ParsePolicy, ModeNoneNeedsNoMx) {
    auto p = parse_policy("version: STSv1\nmode: none\nmax_age: 86400\n");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mode, Policy::Mode::none);
    EXPECT_TRUE(p->mx.empty());
    EXPECT_TRUE(p->allows("anything.example"));  // none constrains nothing
}

TEST(ParsePolicy, BadVersionOrModeIsInvalid) {
    EXPECT_FALSE(parse_policy("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n").ok());
    EXPECT_FALSE(parse_policy("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 1\n").ok());
    auto p = parse_policy("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n");
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("strict"), std::string::npos);
}

TEST(ParsePolicy, MaxAgeBounds) {
    auto with = [](std::string_view age) {
        return parse_policy(
            "version: STSv1\nmode: testing\nmx: a.example\nmax_age: " + std::string(age) + "\n");
    };
    EXPECT_EQ(with("0")->max_age, 0u);
    EXPECT_EQ(with("31557600")->max_age, 31557600u);
    // Above the RFC 8461 3.2 maximum: capped, the policy kept.
    EXPECT_EQ(with("31557601")->max_age, kMaxAgeLimit);
    EXPECT_EQ(with("9999999999")->max_age, kMaxAgeLimit);
    EXPECT_FALSE(with("10000000000").ok());  // 11 digits: not 1*10DIGIT
    EXPECT_FALSE(with("-1").ok());
    EXPECT_FALSE(with("1d").ok());
    EXPECT_FALSE(with("").ok());
}

TEST(ParsePolicy, SeveralMxAndUnknownKeys) {
    auto p = parse_policy(
        "version: STSv1\nmode: enforce\nmx: a.example.org\nfuture_key: whatever value\n"
        "mx: *.b.example.org.\nmax_age: 3600\nmx: C.Example.Org\n");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mx.size(), 3u);
    EXPECT_TRUE(p->allows("a.example.org"));
    EXPECT_TRUE(p->allows("x.b.example.org"));
    EXPECT_TRUE(p->allows("c.example.org"));
    EXPECT_FALSE(p->allows("b.example.org"));
}

TEST(ParsePolicy, DuplicateKeysAreInvalid) {
    const char* base = "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 60\n";
    for (const char* extra : {"version: STSv1\n", "mode: testing\n", "max_age: 60\n"}) {
        auto p = parse_policy(std::string(base) + extra);
        ASSERT_FALSE(p.ok()) << extra;
        EXPECT_NE(p.error().message.find("twice"), std::string::npos) << p.error().message;
    }
}

TEST(ParsePolicy, MalformedLinesAndMxAreInvalid) {
    EXPECT_FALSE(parse_policy("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 60\n").ok());
    EXPECT_FALSE(
        parse_policy("version: STSv1\nmode: enforce\nmx: a b.example\nmax_age: 60\n").ok());
    EXPECT_FALSE(parse_policy("version: STSv1\nmode: enforce\nmx: *\nmax_age: 60\n").ok());
    EXPECT_FALSE(
        parse_policy("version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 60\n").ok());
    EXPECT_FALSE(parse_policy("version: STSv1\nmode: enforce\nmx: -a.example\nmax_age: 60\n").ok());
    EXPECT_FALSE(parse_policy("version: STSv1\nmode: enforce\nmx:\nmax_age: 60\n").ok());
}

TEST(ParsePolicy, HostileBytesNeverCrash) {
    std::string junk;
    for (int i = 0; i < 256; ++i)
        junk.push_back(static_cast<char>(i));
    EXPECT_FALSE(parse_policy(junk).ok());
    EXPECT_FALSE(parse_policy(std::string(100000, ':')).ok());
    EXPECT_FALSE(parse_policy(std::string("\0\0\0", 3)).ok());
}

TEST(ParseStsTxt, TheRfcRecord) {
    // RFC 8461 3.1 example.
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=20160831085700Z;"}), "20160831085700Z");
    EXPECT_EQ(parse_sts_txt({"v=STSv1;id=abc"}), "abc");
    EXPECT_EQ(parse_sts_txt({"v=STSv1 ;\tid=abc ; "}), "abc");
}

TEST(ParseStsTxt, OnlyStsRecordsCount) {
    EXPECT_EQ(parse_sts_txt({"v=spf1 -all", "v=STSv1; id=1", "something else"}), "1");
    EXPECT_EQ(parse_sts_txt({}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=spf1 -all"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv10; id=1"}), std::nullopt);  // another version
    EXPECT_EQ(parse_sts_txt({"V=STSv1; id=1"}), std::nullopt);   // case-sensitive
}

TEST(ParseStsTxt, TwoStsRecordsMeanNoPolicy) {
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=1", "v=STSv1; id=2"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=1", "v=STSv1; id=1"}), std::nullopt);
    // Even when the second is broken, there are two.
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=1", "v=STSv1"}), std::nullopt);
}

TEST(ParseStsTxt, IdSyntax) {
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=" + std::string(32, 'a')}), std::string(32, 'a'));
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=" + std::string(33, 'a')}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id="}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=a-b"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1; id=1; id=2"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1;"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1 id=1"}), std::nullopt);
    EXPECT_EQ(parse_sts_txt({"v=STSv1;; id=1"}), std::nullopt);
}

TEST(ParseStsTxt, ExtensionFields) {
    EXPECT_EQ(parse_sts_txt({"v=STSv1; ext_1=value; id=7; x.y-z=a:b"}), "7");
    EXPECT_EQ(parse_sts_txt({"v=STSv1; ext=va=lue; id=7"}), std::nullopt);  // '=' in value
    EXPECT_EQ(parse_sts_txt({"v=STSv1; _ext=v; id=7"}), std::nullopt);      // bad name start
    EXPECT_EQ(parse_sts_txt({"v=STSv1; ext=; id=7"}), std::nullopt);        // empty value
    EXPECT_EQ(parse_sts_txt({"v=STSv1; ext=a b; id=7"}), std::nullopt);     // space in value
    EXPECT_EQ(parse_sts_txt({"v=STSv1; ext=only"}), std::nullopt);          // no id
}

TEST(MxMatches, ExactNames) {
    EXPECT_TRUE(mx_matches("mx.example.com", "mx.example.com"));
    EXPECT_TRUE(mx_matches("MX.Example.COM", "mx.example.com"));
    EXPECT_TRUE(mx_matches("mx.example.com.", "mx.example.com"));
    EXPECT_TRUE(mx_matches("mx.example.com", "MX.EXAMPLE.COM."));
    EXPECT_FALSE(mx_matches("mx.example.com", "mx2.example.com"));
    EXPECT_FALSE(mx_matches("mx.example.com", "x.mx.example.com"));
    EXPECT_FALSE(mx_matches("", ""));
    EXPECT_FALSE(mx_matches("mx.example.com", ""));
}

TEST(MxMatches, WildcardCoversExactlyOneLabel) {
    EXPECT_TRUE(mx_matches("*.example.com", "mx.example.com"));
    EXPECT_TRUE(mx_matches("*.example.com", "MX.EXAMPLE.COM."));
    EXPECT_TRUE(mx_matches("*.Example.Com.", "mx.example.com"));
    EXPECT_FALSE(mx_matches("*.example.com", "a.b.example.com"));
    EXPECT_FALSE(mx_matches("*.example.com", "example.com"));
    EXPECT_FALSE(mx_matches("*.example.com", ".example.com"));
    EXPECT_FALSE(mx_matches("*.example.com", "mxexample.com"));
    EXPECT_FALSE(mx_matches("*.example.com", "mx.example.org"));
    EXPECT_FALSE(mx_matches("*.", "mx"));
    // A '*' anywhere else is not a wildcard.
    EXPECT_FALSE(mx_matches("mx*.example.com", "mx1.example.com"));
}

TEST(PolicyAllows, EnforceAndTestingUseThePatterns) {
    Policy p;
    p.mode = Policy::Mode::testing;
    p.mx = {"*.mail.example.org"};
    EXPECT_TRUE(p.allows("in1.mail.example.org"));
    EXPECT_FALSE(p.allows("mail.example.org"));
    p.mx.clear();
    EXPECT_FALSE(p.allows("in1.mail.example.org"));
}

}  // namespace
}  // namespace tern::mtasts

// Public Suffix List: the list's own algorithm on a small list, and the
// Organizational Domains of RFC 7489 3.2 with Debian's real list.
#include "mailauth/dmarc/public_suffix.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.hpp"

namespace tern::mailauth::dmarc {
namespace {

constexpr std::string_view kSmallList =
    "// A comment line\n"
    "// ===BEGIN ICANN DOMAINS===\n"
    "com\n"
    "uk\n"
    "co.uk\n"
    "*.ck\n"
    "!www.ck\n"
    "jp\n"
    "*.kobe.jp\n"
    "!city.kobe.jp\n"
    "\xe4\xb8\xad\xe5\x9b\xbd\n"     // 中国
    "\xe5\x85\xac\xe5\x8f\xb8.cn\n"  // 公司.cn
    "cn\n"
    "Example.TEST trailing words are ignored\r\n"  // case and CRLF
    "a.*.bad\n"                                    // not a form the algorithm knows
    "// ===END ICANN DOMAINS===\n"
    "// ===BEGIN PRIVATE DOMAINS===\n"
    "blogspot.com\n"
    "// ===END PRIVATE DOMAINS===\n";

TEST(PublicSuffix, SmallListRules) {
    const auto psl = PublicSuffixList::parse(kSmallList);
    EXPECT_EQ(psl.public_suffix("a.b.example.co.uk"), "co.uk");
    EXPECT_EQ(psl.organizational_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl.organizational_domain("example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl.organizational_domain("Mail.Example.COM."), "example.com");
    // The implicit "*" rule: an unlisted TLD is a public suffix.
    EXPECT_EQ(psl.public_suffix("x.y.unlisted"), "unlisted");
    EXPECT_EQ(psl.organizational_domain("x.y.unlisted"), "y.unlisted");
    // Wildcard and exception.
    EXPECT_EQ(psl.public_suffix("a.b.c.ck"), "c.ck");
    EXPECT_EQ(psl.organizational_domain("a.b.c.ck"), "b.c.ck");
    EXPECT_EQ(psl.organizational_domain("www.ck"), "www.ck");
    EXPECT_EQ(psl.organizational_domain("mail.www.ck"), "www.ck");
    EXPECT_EQ(psl.organizational_domain("a.b.kobe.jp"), "a.b.kobe.jp");
    EXPECT_EQ(psl.organizational_domain("x.a.b.kobe.jp"), "a.b.kobe.jp");
    EXPECT_EQ(psl.organizational_domain("x.city.kobe.jp"), "city.kobe.jp");
    // Private section.
    EXPECT_EQ(psl.organizational_domain("me.blogspot.com"), "me.blogspot.com");
    // Case-folded rule read up to whitespace.
    EXPECT_EQ(psl.public_suffix("x.y.example.test"), "example.test");
    // A name that is itself a public suffix is its own organization.
    EXPECT_EQ(psl.organizational_domain("co.uk"), "co.uk");
    EXPECT_EQ(psl.organizational_domain("com"), "com");
    // Malformed names come back normalized, not split.
    EXPECT_EQ(psl.organizational_domain("a..example.com"), "a..example.com");
    EXPECT_EQ(psl.organizational_domain(""), "");
}

TEST(PublicSuffix, UnicodeRulesMatchInBothForms) {
    const auto psl = PublicSuffixList::parse(kSmallList);
    // 公司.cn is xn--55qx5d.cn.
    EXPECT_EQ(psl.organizational_domain("www.example.xn--55qx5d.cn"), "example.xn--55qx5d.cn");
    EXPECT_EQ(psl.organizational_domain("www.example.\xe5\x85\xac\xe5\x8f\xb8.cn"),
              "example.\xe5\x85\xac\xe5\x8f\xb8.cn");
    EXPECT_EQ(psl.organizational_domain("a.b.xn--fiqs8s"), "b.xn--fiqs8s");
}

TEST(PublicSuffix, PrivateSectionCanBeLeftOut) {
    const auto psl = PublicSuffixList::parse(kSmallList, {.include_private = false});
    EXPECT_EQ(psl.organizational_domain("me.blogspot.com"), "blogspot.com");
}

TEST(PublicSuffix, LoadFromFile) {
    testing::TempDir dir;
    const std::string path = dir.file("list.dat");
    std::ofstream(path) << "uk\nco.uk\n";
    auto psl = PublicSuffixList::load(path);
    ASSERT_TRUE(psl.ok());
    EXPECT_EQ(psl->rule_count(), 2u);
    EXPECT_EQ(psl->organizational_domain("a.example.co.uk"), "example.co.uk");
    auto missing = PublicSuffixList::load(dir.file("nope.dat"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::io);
}

TEST(PublicSuffix, DebianList) {
    auto psl = PublicSuffixList::load(std::string(kDefaultPublicSuffixPath));
    ASSERT_TRUE(psl.ok()) << psl.error().message;
    EXPECT_GT(psl->rule_count(), 5000u);
    EXPECT_EQ(psl->organizational_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl->organizational_domain("mail.example.com"), "example.com");
    // *.ck and !www.ck.
    EXPECT_EQ(psl->public_suffix("shop.example.ck"), "example.ck");
    EXPECT_EQ(psl->organizational_domain("a.shop.example.ck"), "shop.example.ck");
    EXPECT_EQ(psl->organizational_domain("mail.www.ck"), "www.ck");
    // *.kawasaki.jp and !city.kawasaki.jp.
    EXPECT_EQ(psl->organizational_domain("a.b.c.kawasaki.jp"), "b.c.kawasaki.jp");
    EXPECT_EQ(psl->organizational_domain("www.city.kawasaki.jp"), "city.kawasaki.jp");
    // A private-section suffix.
    EXPECT_EQ(psl->organizational_domain("x.me.github.io"), "me.github.io");
}

TEST(PublicSuffix, NormalizeDomain) {
    EXPECT_EQ(normalize_domain("Example.COM."), "example.com");
    EXPECT_EQ(normalize_domain("_dmarc.example.com"), "_dmarc.example.com");
    EXPECT_EQ(normalize_domain("b\xc3\xbc"
                               "cher.example"),
              "xn--bcher-kva.example");
    EXPECT_FALSE(normalize_domain(""));
    EXPECT_FALSE(normalize_domain("."));
    EXPECT_FALSE(normalize_domain("a..b"));
    EXPECT_FALSE(normalize_domain("[192.0.2.1]"));
    EXPECT_FALSE(normalize_domain("exa mple.com"));
    EXPECT_FALSE(normalize_domain(std::string(64, 'a') + ".com"));
    EXPECT_TRUE(normalize_domain(std::string(63, 'a') + ".com"));
    EXPECT_FALSE(normalize_domain(std::string(250, 'a') + ".com"));
}

}  // namespace
}  // namespace tern::mailauth::dmarc

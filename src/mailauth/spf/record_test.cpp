// SPF record parser: selection, every mechanism and modifier, and hostile
// input (RFC 7208 4.5, 4.6, 5, 6, 12).
#include "mailauth/spf/record.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::spf {
namespace {

Record parse_ok(std::string_view text) {
    auto r = parse_record(text);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
    return r ? *r : Record{};
}

TEST(SpfRecord, SelectsOnlyVersion1Records) {
    EXPECT_TRUE(is_spf_record("v=spf1"));
    EXPECT_TRUE(is_spf_record("v=spf1 -all"));
    EXPECT_TRUE(is_spf_record("V=SPF1 -all"));
    EXPECT_FALSE(is_spf_record("v=spf10"));
    EXPECT_FALSE(is_spf_record("v=spf1-all"));
    EXPECT_FALSE(is_spf_record("spf2.0/pra"));
    EXPECT_FALSE(is_spf_record(" v=spf1"));
    EXPECT_FALSE(is_spf_record(""));
}

TEST(SpfRecord, ParsesEveryMechanism) {
    const Record r = parse_ok(
        "v=spf1 +all -include:_spf.example.com ~a ?a:mail.example.com/24//64 mx/28 "
        "mx:example.org ptr ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 "
        "exists:%{ir}.%{v}._spf.%{d}");
    ASSERT_EQ(r.mechanisms.size(), 11u);
    EXPECT_EQ(r.mechanisms[0].kind, MechanismKind::all);
    EXPECT_EQ(r.mechanisms[0].qualifier, Qualifier::pass);
    EXPECT_EQ(r.mechanisms[1].kind, MechanismKind::include);
    EXPECT_EQ(r.mechanisms[1].qualifier, Qualifier::fail);
    EXPECT_EQ(r.mechanisms[1].domain_spec, "_spf.example.com");
    EXPECT_EQ(r.mechanisms[2].qualifier, Qualifier::softfail);
    EXPECT_TRUE(r.mechanisms[2].domain_spec.empty());
    EXPECT_EQ(r.mechanisms[3].qualifier, Qualifier::neutral);
    EXPECT_EQ(r.mechanisms[3].domain_spec, "mail.example.com");
    EXPECT_EQ(r.mechanisms[3].cidr4, 24);
    EXPECT_EQ(r.mechanisms[3].cidr6, 64);
    EXPECT_EQ(r.mechanisms[4].kind, MechanismKind::mx);
    EXPECT_EQ(r.mechanisms[4].cidr4, 28);
    EXPECT_EQ(r.mechanisms[4].cidr6, 128);
    EXPECT_EQ(r.mechanisms[5].domain_spec, "example.org");
    EXPECT_EQ(r.mechanisms[6].kind, MechanismKind::ptr);
    EXPECT_EQ(r.mechanisms[7].domain_spec, "example.net");
    EXPECT_EQ(r.mechanisms[8].kind, MechanismKind::ip4);
    EXPECT_EQ(r.mechanisms[8].network, *dns::IpAddress::parse("192.0.2.0"));
    EXPECT_EQ(r.mechanisms[8].cidr4, 24);
    EXPECT_EQ(r.mechanisms[9].kind, MechanismKind::ip6);
    EXPECT_EQ(r.mechanisms[9].cidr6, 32);
    EXPECT_EQ(r.mechanisms[10].kind, MechanismKind::exists);
    EXPECT_FALSE(r.redirect);
    EXPECT_FALSE(r.exp);
}

TEST(SpfRecord, ModifiersAndCaseInsensitiveNames) {
    const Record r =
        parse_ok("v=spf1   MX   Redirect=_spf.example.com exp=explain.%{d} foo=%{l}x ");
    ASSERT_EQ(r.mechanisms.size(), 1u);
    EXPECT_EQ(r.mechanisms[0].kind, MechanismKind::mx);
    ASSERT_TRUE(r.redirect);
    EXPECT_EQ(*r.redirect, "_spf.example.com");
    ASSERT_TRUE(r.exp);
    EXPECT_EQ(*r.exp, "explain.%{d}");
    EXPECT_TRUE(parse_ok("v=spf1").mechanisms.empty());
    // RFC 7208 12 domain-end: a macro-expand may end a domain-spec.
    EXPECT_EQ(parse_ok("v=spf1 exists:%{i}").mechanisms[0].domain_spec, "%{i}");
    EXPECT_TRUE(parse_ok("v=spf1 a:example.com.").mechanisms.size() == 1);
    // A domain-spec may contain ':' and '/' (macro-literals).
    const Record odd = parse_ok("v=spf1 mx:foo:bar/baz.example.com");
    EXPECT_EQ(odd.mechanisms[0].domain_spec, "foo:bar/baz.example.com");
    EXPECT_EQ(odd.mechanisms[0].cidr4, 32);
}

TEST(SpfRecord, CidrBoundaries) {
    EXPECT_EQ(parse_ok("v=spf1 ip4:0.0.0.0/0").mechanisms[0].cidr4, 0);
    EXPECT_EQ(parse_ok("v=spf1 ip4:1.2.3.4/32").mechanisms[0].cidr4, 32);
    EXPECT_EQ(parse_ok("v=spf1 ip6:::/0").mechanisms[0].cidr6, 0);
    EXPECT_EQ(parse_ok("v=spf1 ip6:::1/128").mechanisms[0].cidr6, 128);
    EXPECT_EQ(parse_ok("v=spf1 a//0").mechanisms[0].cidr6, 0);
    for (const char* bad :
         {"v=spf1 ip4:1.2.3.4/33", "v=spf1 ip4:1.2.3.4/", "v=spf1 ip4:1.2.3.4/024",
          "v=spf1 ip6:::1/129", "v=spf1 a/33", "v=spf1 a//129", "v=spf1 mx/", "v=spf1 a/-1",
          "v=spf1 ip4:1.2.3.4/1000", "v=spf1 a/9999999999999999999"}) {
        EXPECT_FALSE(parse_record(bad)) << bad;
    }
}

TEST(SpfRecord, RejectsHostileRecords) {
    for (const char* bad : {
             "v=spf1 foo",              // unknown mechanism
             "v=spf1 all:foo",          // all takes nothing
             "v=spf1 include",          // include needs a domain
             "v=spf1 include:",         // empty domain-spec
             "v=spf1 exists:",          //
             "v=spf1 ip4:1.2.3",        // bad network
             "v=spf1 ip4:2001:db8::1",  // wrong family
             "v=spf1 ip6:192.0.2.1",    //
             "v=spf1 a:foo",            // domain-end needs a top label
             "v=spf1 a:1.2.3.4",        // numeric top label
             "v=spf1 a:example.-com",   //
             "v=spf1 redirect=a.example.com redirect=b.example.com",  // RFC 7208 6
             "v=spf1 exp=a.example.com exp=b.example.com",            //
             "v=spf1 redirect=",                                      //
             "v=spf1 -redirect=a.example.com",                        // modifiers take no qualifier
             "v=spf1 1foo=bar",                   // modifier name starts with a letter
             "v=spf1 foo=%",                      // unknown modifier, bad macro
             "v=spf1 a:%{x}.example.com",         // bad macro letter
             "v=spf1 exists:%{c}.example.com",    // exp-only letter
             "v=spf1 -",                          // qualifier alone
             "v=spf1 ip4:192.0.2.5\n-all",        // control character
             "v=spf1 a:caf\xc3\xa9.example.com",  // RFC 7208 3.1: ASCII only
             "v=spf1 \t-all",                     // terms split on SP only
             "v=spf1 a:x.%%{d}",                  // "{d}" is literal: no top label
         }) {
        EXPECT_FALSE(parse_record(bad)) << bad;
    }
    EXPECT_FALSE(parse_record("not spf"));
}

TEST(SpfRecord, ByteAtATimePrefixesNeverCrash) {
    const std::string full =
        "v=spf1 ip4:192.0.2.0/24 a:%{d2}.example.com/24//64 include:x.example.com "
        "exp=e.%{d} -all";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        auto r = parse_record(full.substr(0, n));
        if (!r) {
            EXPECT_EQ(r.error().code, Errc::invalid);
        }
    }
    EXPECT_TRUE(parse_record(full));
    // Long input is parsed, not truncated or crashed on.
    std::string many = "v=spf1";
    for (int i = 0; i < 2000; ++i)
        many += " ip4:10.0.0.1";
    EXPECT_EQ(parse_ok(many).mechanisms.size(), 2000u);
}

}  // namespace
}  // namespace tern::mailauth::spf

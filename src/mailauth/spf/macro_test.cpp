// SPF macro expansion: the worked examples of RFC 7208 7.4 and hostile input.
#include "mailauth/spf/macro.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::spf {
namespace {

// RFC 7208 7.4: sender strong-bad@email.example.com, IPv4 192.0.2.3,
// IPv6 2001:db8::cb01.
MacroContext rfc_context(const char* ip = "192.0.2.3") {
    MacroContext ctx;
    ctx.sender = "strong-bad@email.example.com";
    ctx.local_part = "strong-bad";
    ctx.sender_domain = "email.example.com";
    ctx.domain = "email.example.com";
    ctx.ip = *dns::IpAddress::parse(ip);
    ctx.helo = "mx.example.org";
    ctx.receiver = "mail.example.net";
    ctx.timestamp = 1234567890;
    return ctx;
}

std::string expand_ok(std::string_view text, const MacroContext& ctx,
                      MacroMode mode = MacroMode::domain_spec) {
    auto r = expand(text, ctx, mode);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
    return r ? *r : std::string("<error>");
}

TEST(SpfMacro, Rfc7208Section74Examples) {
    const auto ctx = rfc_context();
    const std::pair<const char*, const char*> cases[] = {
        {"%{s}", "strong-bad@email.example.com"},
        {"%{o}", "email.example.com"},
        {"%{d}", "email.example.com"},
        {"%{d4}", "email.example.com"},
        {"%{d3}", "email.example.com"},
        {"%{d2}", "example.com"},
        {"%{d1}", "com"},
        {"%{dr}", "com.example.email"},
        {"%{d2r}", "example.email"},
        {"%{l}", "strong-bad"},
        {"%{l-}", "strong.bad"},
        {"%{lr}", "strong-bad"},
        {"%{lr-}", "bad.strong"},
        {"%{l1r-}", "strong"},
        {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
        {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
        {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
        {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
        {"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
    };
    for (const auto& [in, want] : cases)
        EXPECT_EQ(expand_ok(in, ctx), want) << in;
}

TEST(SpfMacro, Rfc7208Section74Ipv6Example) {
    const auto ctx = rfc_context("2001:db8::cb01");
    EXPECT_EQ(
        expand_ok("%{ir}.%{v}._spf.%{d2}", ctx),
        "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
    EXPECT_EQ(expand_ok("%{c}", ctx, MacroMode::explanation), "2001:db8::cb01");
}

TEST(SpfMacro, EscapesAndUppercaseUrlEncoding) {
    auto ctx = rfc_context();
    EXPECT_EQ(expand_ok("%%%_%-", ctx), "% %20");
    ctx.local_part = "jack&jill=up";
    // RFC 7208 7.3: upper-case letters are URL-escaped after expansion.
    EXPECT_EQ(expand_ok("%{L}", ctx), "jack%26jill%3Dup");
    EXPECT_EQ(expand_ok("%{S}", rfc_context()), "strong-bad%40email.example.com");
}

TEST(SpfMacro, ExplanationOnlyLetters) {
    const auto ctx = rfc_context();
    EXPECT_EQ(expand_ok("%{c} %{r} %{t}", ctx, MacroMode::explanation),
              "192.0.2.3 mail.example.net 1234567890");
    // RFC 7208 7.3: c, r and t are not allowed outside "exp" text.
    for (const char* bad : {"%{c}.example.com", "%{r}", "%{t}"}) {
        EXPECT_FALSE(expand(bad, ctx, MacroMode::domain_spec)) << bad;
    }
    // Spaces only in explanations.
    EXPECT_FALSE(check_macro_string("a b", MacroMode::domain_spec));
    EXPECT_TRUE(check_macro_string("a b", MacroMode::explanation));
}

TEST(SpfMacro, PMacroUsesTheSuppliedName) {
    auto ctx = rfc_context();
    EXPECT_EQ(expand_ok("%{p}", ctx), "unknown");
    ctx.validated = "mx.email.example.com";
    EXPECT_EQ(expand_ok("%{p2}", ctx), "example.com");
    EXPECT_TRUE(uses_p_macro("x.%{p}.y"));
    EXPECT_TRUE(uses_p_macro("%{P}"));
    EXPECT_FALSE(uses_p_macro("%%{p}"));
    EXPECT_FALSE(uses_p_macro("%{d}.p"));
}

TEST(SpfMacro, LargeDigitsKeepEverything) {
    const auto ctx = rfc_context();
    EXPECT_EQ(expand_ok("%{d99999999999999999999999}", ctx), "email.example.com");
    // Custom delimiters replace the default ".": no split on '.' here.
    EXPECT_EQ(expand_ok("%{d2r+-}", ctx), "email.example.com");
    auto odd = ctx;
    odd.local_part = "a+b-c.d";
    EXPECT_EQ(expand_ok("%{l2r+-}", odd), "b.a");
}

TEST(SpfMacro, RejectsHostileInput) {
    const auto ctx = rfc_context();
    for (const char* bad :
         {"%", "%{", "%{d", "%{d2", "%{x}", "%{d0}", "%{dr2}", "%{d!}", "%a", "%{}", "%{dd}", "a%",
          "\x01", "\x7f", "caf\xc3\xa9", "%{d2r", "%{l-.x}"}) {
        EXPECT_FALSE(expand(bad, ctx, MacroMode::domain_spec)) << bad;
        EXPECT_FALSE(check_macro_string(bad, MacroMode::domain_spec)) << bad;
    }
}

TEST(SpfMacro, ByteAtATimePrefixesNeverCrash) {
    // Every prefix of a valid string is either valid or a clean error.
    const std::string full = "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}";
    const auto ctx = rfc_context();
    for (std::size_t n = 0; n <= full.size(); ++n) {
        auto r = expand(full.substr(0, n), ctx, MacroMode::domain_spec);
        if (!r) {
            EXPECT_EQ(r.error().code, Errc::invalid);
        }
    }
}

}  // namespace
}  // namespace tern::mailauth::spf

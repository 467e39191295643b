// The in-memory resolver (testing/memory_resolver.hpp) honours the Resolver
// contract of dns/resolver.hpp: rcodes, NODATA vs NXDOMAIN, CNAME chains
// and loops, case-insensitive names, timeouts, and both interfaces.
#include "testing/memory_resolver.hpp"

#include <gtest/gtest.h>

namespace tern::dns {
namespace {

using testing::MemoryResolver;

TEST(MemoryResolver, TypedAnswersAndRcodes) {
    MemoryResolver r;
    r.add_a("Mail.Example.com.", "192.0.2.1");
    r.add_a("mail.example.com", "2001:db8::1");
    r.add_mx("example.com", 10, "mail.example.com.");
    r.add_mx("null.example", 0, ".");
    r.add_txt("example.com", "v=spf1 -all");
    r.add_tlsa("_25._tcp.mail.example.com", TlsaRecord{3, 1, 1, "\x01\x02"});

    Answer a = r.query({"MAIL.example.COM", RecordType::a});
    EXPECT_EQ(a.rcode, Rcode::noerror);
    ASSERT_EQ(a.addresses.size(), 1u);
    EXPECT_EQ(a.addresses[0].to_string(), "192.0.2.1");
    EXPECT_EQ(r.query({"mail.example.com", RecordType::aaaa}).addresses.size(), 1u);
    Answer mx = r.query({"example.com.", RecordType::mx});
    ASSERT_EQ(mx.mx.size(), 1u);
    EXPECT_EQ(mx.mx[0], (MxRecord{10, "mail.example.com"}));
    EXPECT_EQ(r.query({"null.example", RecordType::mx}).mx[0].host, "");
    EXPECT_EQ(r.query({"example.com", RecordType::txt}).txt,
              std::vector<std::string>{"v=spf1 -all"});
    EXPECT_EQ(r.query({"_25._tcp.mail.example.com", RecordType::tlsa}).tlsa.size(), 1u);

    // NODATA: the name exists, the type does not.
    Answer nodata = r.query({"example.com", RecordType::ptr});
    EXPECT_EQ(nodata.rcode, Rcode::noerror);
    EXPECT_TRUE(nodata.empty());
    EXPECT_EQ(r.query({"nope.example.com", RecordType::a}).rcode, Rcode::nxdomain);

    r.set_rcode("broken.example", Rcode::servfail);
    EXPECT_EQ(r.query({"broken.example", RecordType::a}).rcode, Rcode::servfail);
    r.set_authenticated(true);
    EXPECT_TRUE(r.query({"example.com", RecordType::txt}).authenticated);
    EXPECT_EQ(r.queries().size(), 10u);
}

TEST(MemoryResolver, CnameChainsAndLoops) {
    MemoryResolver r;
    r.add_cname("www.example.com", "web.example.com");
    r.add_cname("web.example.com", "host.example.net");
    r.add_a("host.example.net", "192.0.2.9");
    Answer a = r.query({"www.example.com", RecordType::a});
    ASSERT_EQ(a.addresses.size(), 1u);
    EXPECT_EQ(a.canonical_name, "host.example.net");
    EXPECT_EQ(r.query({"www.example.com", RecordType::cname}).names,
              std::vector<std::string>{"web.example.com"});
    r.add_cname("loop1.example", "loop2.example");
    r.add_cname("loop2.example", "LOOP1.example.");
    EXPECT_EQ(r.query({"loop1.example", RecordType::a}).rcode, Rcode::servfail);
}

TEST(MemoryResolver, TimeoutMarkers) {
    MemoryResolver r;
    r.add_a("t.example", "192.0.2.1");
    r.add_timeout("t.example");
    // A record of the asked type before the marker is answered...
    EXPECT_EQ(r.query({"t.example", RecordType::a}).rcode, Rcode::noerror);
    // ...any other type times out.
    EXPECT_EQ(r.query({"t.example", RecordType::txt}).rcode, Rcode::timeout);
    r.add_txt("u.example", "x");
    r.add_timeout("u.example", RecordType::mx);
    EXPECT_EQ(r.query({"u.example", RecordType::mx}).rcode, Rcode::timeout);
    EXPECT_EQ(r.query({"u.example", RecordType::txt}).txt.size(), 1u);
}

TEST(MemoryResolver, CallbackInterfaceAnswersOnce) {
    MemoryResolver r;
    r.add_a("example.com", "192.0.2.1");
    Resolver& async = r;
    int calls = 0;
    async.lookup({"example.com", RecordType::a}, [&](Answer a) {
        ++calls;
        EXPECT_EQ(a.addresses.size(), 1u);
    });
    EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace tern::dns

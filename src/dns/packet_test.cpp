// build_query / parse_response over hand-made packets (RFC 1035 4.1).
#include "dns/packet.hpp"

#include <gtest/gtest.h>

namespace tern::dns {
namespace {

// Writes a DNS message by hand, so each test states the bytes it feeds.
class Packet {
  public:
    Packet(std::uint8_t byte3, std::uint16_t an, std::uint16_t ns = 0, bool response = true) {
        bytes_ = {0x12, 0x34, static_cast<unsigned char>(response ? 0x81 : 0x01), byte3, 0, 1};
        u16(an);
        u16(ns);
        u16(0);
    }
    Packet& name(std::string_view dotted) {
        while (!dotted.empty()) {
            auto dot = dotted.find('.');
            auto label = dotted.substr(0, dot);
            bytes_.push_back(static_cast<unsigned char>(label.size()));
            bytes_.insert(bytes_.end(), label.begin(), label.end());
            dotted = dot == std::string_view::npos ? "" : dotted.substr(dot + 1);
        }
        bytes_.push_back(0);
        return *this;
    }
    Packet& u16(std::uint16_t v) {
        bytes_.push_back(static_cast<unsigned char>(v >> 8));
        bytes_.push_back(static_cast<unsigned char>(v));
        return *this;
    }
    Packet& u32(std::uint32_t v) {
        return u16(static_cast<std::uint16_t>(v >> 16)).u16(v & 0xffff);
    }
    Packet& raw(std::string_view data) {
        bytes_.insert(bytes_.end(), data.begin(), data.end());
        return *this;
    }
    Packet& question(std::string_view qname, RecordType type) {
        return name(qname).u16(static_cast<std::uint16_t>(type)).u16(1);
    }
    // An RR whose rdata is written by the caller next: returns the rdlength.
    Packet& rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl,
               std::string_view rdata) {
        name(owner).u16(type).u16(1).u32(ttl).u16(static_cast<std::uint16_t>(rdata.size()));
        return raw(rdata);
    }
    const std::vector<unsigned char>& bytes() const { return bytes_; }

  private:
    std::vector<unsigned char> bytes_;
};

Result<ParsedResponse> parse(const Packet& p, std::string name, RecordType type) {
    return parse_response(p.bytes().data(), p.bytes().size(), {std::move(name), type});
}

std::string soa_rdata(std::uint32_t minimum) {
    // mname "." rname "." serial refresh retry expire minimum
    std::string r("\0\0", 2);
    for (std::uint32_t v : {1u, 3600u, 600u, 86400u, minimum}) {
        r += static_cast<char>(v >> 24);
        r += static_cast<char>(v >> 16);
        r += static_cast<char>(v >> 8);
        r += static_cast<char>(v);
    }
    return r;
}

TEST(Packet, BuildQuerySetsAdRdAndEdns) {
    auto q = build_query({"Example.TEST.", RecordType::mx});
    ASSERT_TRUE(q.ok());
    const auto& b = *q;
    ASSERT_GT(b.size(), 12u + 11u);
    EXPECT_EQ(b[2] & 0x01, 0x01);        // RD
    EXPECT_EQ(b[3] & 0x20, 0x20);        // AD (RFC 6840 5.7)
    EXPECT_EQ((b[10] << 8) | b[11], 1);  // ARCOUNT: the OPT record
    // RFC 6891 6.1.2: OPT = root name, TYPE 41, CLASS = UDP payload size.
    std::size_t opt = b.size() - 11;
    EXPECT_EQ(b[opt], 0);
    EXPECT_EQ((b[opt + 1] << 8) | b[opt + 2], 41);
    EXPECT_EQ((b[opt + 3] << 8) | b[opt + 4], 1232);
    // The name went out lower-cased without the trailing dot.
    std::string wire(b.begin() + 12, b.begin() + 12 + 14);
    EXPECT_EQ(wire, std::string("\x07"
                                "example\x04test\x00",
                                14));
}

TEST(Packet, BuildQueryRejectsBadNames) {
    EXPECT_FALSE(build_query({"", RecordType::a}).ok());
    EXPECT_FALSE(build_query({std::string(300, 'a'), RecordType::a}).ok());
}

TEST(Packet, AdBitAndAddresses) {
    Packet p(0xa0, 1);  // RA | AD, RCODE 0
    p.question("a.test", RecordType::a).rr("A.Test", 1, 300, std::string("\xc0\x00\x02\x01", 4));
    auto r = parse(p, "a.test.", RecordType::a);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->answer.authenticated);
    EXPECT_EQ(r->answer.rcode, Rcode::noerror);
    ASSERT_EQ(r->answer.addresses.size(), 1u);
    EXPECT_EQ(r->answer.addresses[0].to_string(), "192.0.2.1");
    EXPECT_EQ(r->answer.ttl, 300u);
}

TEST(Packet, RcodesMapToOutcomes) {
    for (auto [code, want] : {std::pair{3, Rcode::nxdomain}, std::pair{2, Rcode::servfail},
                              std::pair{5, Rcode::servfail}, std::pair{1, Rcode::servfail}}) {
        Packet p(static_cast<std::uint8_t>(0x80 | code), 0);
        p.question("x.test", RecordType::a);
        auto r = parse(p, "x.test", RecordType::a);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->answer.rcode, want) << code;
        EXPECT_FALSE(r->answer.authenticated);
    }
}

TEST(Packet, TxtStringsConcatenatedPerRecord) {
    Packet p(0x80, 2);
    p.question("t.test", RecordType::txt)
        .rr("t.test", 16, 60,
            std::string("\x03"
                        "abc\x02"
                        "de",
                        7))
        .rr("t.test", 16, 30,
            std::string("\x01"
                        "z",
                        2));
    auto r = parse(p, "t.test", RecordType::txt);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->answer.txt, (std::vector<std::string>{"abcde", "z"}));
    EXPECT_EQ(r->answer.ttl, 30u);
}

TEST(Packet, TxtStringOverrunningRdataIsError) {
    Packet p(0x80, 1);
    p.question("t.test", RecordType::txt)
        .rr("t.test", 16, 60,
            std::string("\x09"
                        "abc",
                        4));
    EXPECT_FALSE(parse(p, "t.test", RecordType::txt).ok());
}

TEST(Packet, TlsaByHand) {
    Packet p(0xa0, 1);
    p.question("_25._tcp.mx.test", RecordType::tlsa)
        .rr("_25._tcp.mx.test", 52, 60, std::string("\x03\x01\x01\xde\xad", 5));
    auto r = parse(p, "_25._tcp.mx.test", RecordType::tlsa);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->answer.tlsa.size(), 1u);
    EXPECT_EQ(r->answer.tlsa[0], (TlsaRecord{3, 1, 1, "\xde\xad"}));

    Packet bad(0x80, 1);
    bad.question("x.test", RecordType::tlsa).rr("x.test", 52, 60, std::string("\x03\x01", 2));
    EXPECT_FALSE(parse(bad, "x.test", RecordType::tlsa).ok());
}

TEST(Packet, MxWithCompressedExchangeAndNullMx) {
    Packet p(0x80, 2);
    // The exchange "mx" + pointer to the question name at offset 12.
    p.question("m.test", RecordType::mx)
        .rr("m.test", 15, 60, std::string("\x00\x0a\x02mx\xc0\x0c", 7))
        .rr("m.test", 15, 60, std::string("\x00\x00\x00", 3));
    auto r = parse(p, "m.test", RecordType::mx);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->answer.mx, (std::vector<MxRecord>{{10, "mx.m.test"}, {0, ""}}));
}

TEST(Packet, CnameChainInsidePacket) {
    Packet p(0x80, 3);
    p.question("www.test", RecordType::a)
        .rr("www.test", 5, 100,
            std::string("\x03"
                        "mid\x04test\x00",
                        10))
        .rr("mid.test", 5, 50,
            std::string("\x03"
                        "end\x04test\x00",
                        10))
        .rr("end.test", 1, 300, std::string("\x0a\x00\x00\x01", 4));
    auto r = parse(p, "www.test", RecordType::a);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->answer.canonical_name, "end.test");
    EXPECT_EQ(r->answer.ttl, 50u);
    EXPECT_EQ(r->cname_hops, 2);
    EXPECT_FALSE(r->chain_incomplete);
    ASSERT_EQ(r->answer.addresses.size(), 1u);
}

TEST(Packet, ChainStoppingAtCnameIsIncompleteUnlessSoaSaysNodata) {
    Packet p(0x80, 1);
    p.question("www.test", RecordType::a).rr("www.test", 5, 100, std::string("\x01z\x00", 3));
    auto r = parse(p, "www.test", RecordType::a);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->chain_incomplete);
    EXPECT_EQ(r->answer.canonical_name, "z");
    EXPECT_EQ(r->answer.ttl, 100u);  // the chain so far

    Packet nodata(0x80, 1, 1);
    nodata.question("www.test", RecordType::a)
        .rr("www.test", 5, 100, std::string("\x01z\x00", 3))
        .rr("test", 6, 3600, soa_rdata(30));
    auto n = parse(nodata, "www.test", RecordType::a);
    ASSERT_TRUE(n.ok());
    EXPECT_FALSE(n->chain_incomplete);
    EXPECT_TRUE(n->answer.empty());
}

TEST(Packet, NegativeTtlFromSoa) {
    Packet p(0x83, 0, 1);
    p.question("gone.test", RecordType::a).rr("test", 6, 20, soa_rdata(900));
    auto r = parse(p, "gone.test", RecordType::a);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->answer.rcode, Rcode::nxdomain);
    EXPECT_EQ(r->answer.ttl, 20u);  // RFC 2308 5: min(SOA TTL, MINIMUM)

    Packet none(0x83, 0);
    none.question("gone.test", RecordType::a);
    EXPECT_EQ(parse(none, "gone.test", RecordType::a)->answer.ttl, 0u);
}

TEST(Packet, TtlWithTopBitIsZero) {
    Packet p(0x80, 1);
    p.question("a.test", RecordType::a).rr("a.test", 1, 0x80000000u, std::string(4, '\1'));
    EXPECT_EQ(parse(p, "a.test", RecordType::a)->answer.ttl, 0u);
}

TEST(Packet, MalformedPacketsAreErrors) {
    std::vector<unsigned char> tiny(5, 0);
    EXPECT_FALSE(parse_response(tiny.data(), tiny.size(), {"a.test", RecordType::a}).ok());
    Packet query(0x00, 0, 0, false);
    query.question("a.test", RecordType::a);
    EXPECT_FALSE(parse(query, "a.test", RecordType::a).ok());
    Packet loop(0x80, 1);
    loop.question("a.test", RecordType::a).raw(std::string("\xc0\x18", 2));  // points at itself
    EXPECT_FALSE(parse(loop, "a.test", RecordType::a).ok());
}

TEST(Packet, EveryTruncationIsHandled) {
    Packet p(0x80, 2, 1);
    p.question("www.test", RecordType::a)
        .rr("www.test", 5, 100,
            std::string("\x03"
                        "end\xc0\x10",
                        6))
        .rr("end.test", 1, 300, std::string("\x0a\x00\x00\x01", 4))
        .rr("test", 6, 20, soa_rdata(900));
    auto full = parse(p, "www.test", RecordType::a);
    ASSERT_TRUE(full.ok()) << full.error().message;
    EXPECT_EQ(full->answer.addresses.size(), 1u);
    const auto& b = p.bytes();
    for (std::size_t n = 0; n < b.size(); ++n) {
        std::vector<unsigned char> cut(b.begin(), b.begin() + static_cast<long>(n));
        auto r = parse_response(cut.data(), cut.size(), {"www.test", RecordType::a});
        // Either an error or (cut inside the advisory authority section) the
        // same records: never a crash or a made-up record.
        if (r.ok()) {
            EXPECT_EQ(r->answer.addresses, full->answer.addresses) << n;
        }
    }
}

}  // namespace
}  // namespace tern::dns

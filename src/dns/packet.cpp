#include "dns/packet.hpp"

#include <ares.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "base/strings.hpp"

namespace tern::dns {

namespace {

constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeSoa = 6;
constexpr std::size_t kHeaderSize = 12;
// RFC 6891 6.2.5 / the DNS Flag Day 2020 recommendation.
constexpr int kEdnsPayload = 1232;

std::uint16_t read16(const unsigned char* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t read32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

struct Rr {
    std::string owner;  // normalized
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::size_t rdata = 0;  // offset into the packet
    std::uint16_t rdlength = 0;
};

class Reader {
  public:
    Reader(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}

    // RFC 1035 4.1.4: names may be compressed; c-ares expands them and
    // rejects pointer loops and out-of-bounds pointers.
    std::optional<std::string> name_at(std::size_t offset, std::size_t* consumed) const {
        if (offset >= size_) return std::nullopt;
        char* out = nullptr;
        long len = 0;
        if (ares_expand_name(data_ + offset, data_, static_cast<int>(size_), &out, &len) !=
            ARES_SUCCESS) {
            return std::nullopt;
        }
        std::string name(out);
        ares_free_string(out);
        if (consumed) *consumed = static_cast<std::size_t>(len);
        return name;
    }

    std::optional<Rr> next_rr(std::size_t& pos) const {
        std::size_t used = 0;
        auto owner = name_at(pos, &used);
        if (!owner || pos + used + 10 > size_) return std::nullopt;
        const unsigned char* p = data_ + pos + used;
        Rr rr;
        rr.owner = normalize_name(*owner);
        rr.type = read16(p);
        // RFC 2181 8: a TTL with the top bit set is treated as zero.
        rr.ttl = read32(p + 4);
        if (rr.ttl > 0x7fffffffU) rr.ttl = 0;
        rr.rdlength = read16(p + 8);
        rr.rdata = pos + used + 10;
        if (rr.rdata + rr.rdlength > size_) return std::nullopt;
        pos = rr.rdata + rr.rdlength;
        return rr;
    }

    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }

  private:
    const unsigned char* data_;
    std::size_t size_;
};

// Appends one record of the asked type to the answer; false if malformed.
bool add_record(const Reader& r, const Rr& rr, Answer& answer) {
    const unsigned char* p = r.data() + rr.rdata;
    switch (static_cast<RecordType>(rr.type)) {
        case RecordType::a: {
            if (rr.rdlength != 4) return false;
            answer.addresses.push_back(IpAddress::v4(p[0], p[1], p[2], p[3]));
            return true;
        }
        case RecordType::aaaa: {
            if (rr.rdlength != 16) return false;
            IpAddress ip;
            ip.family = IpAddress::Family::v6;
            std::copy(p, p + 16, ip.bytes.begin());
            answer.addresses.push_back(ip);
            return true;
        }
        case RecordType::mx: {
            // RFC 1035 3.3.9: PREFERENCE then EXCHANGE.
            if (rr.rdlength < 3) return false;
            auto host = r.name_at(rr.rdata + 2, nullptr);
            if (!host) return false;
            // RFC 7505 3: the null MX has the root "." as exchange; c-ares
            // expands it to "", which is what MxRecord expects.
            if (!host->empty() && host->back() == '.') host->pop_back();
            answer.mx.push_back({read16(p), *host});
            return true;
        }
        case RecordType::txt: {
            // RFC 1035 3.3.14: one or more <character-string>s; RFC 7208 3.3
            // joins them without separator.
            std::string text;
            std::size_t i = 0;
            while (i < rr.rdlength) {
                std::size_t len = p[i];
                if (i + 1 + len > rr.rdlength) return false;
                text.append(reinterpret_cast<const char*>(p + i + 1), len);
                i += 1 + len;
            }
            answer.txt.push_back(std::move(text));
            return true;
        }
        case RecordType::ptr:
        case RecordType::cname: {
            auto target = r.name_at(rr.rdata, nullptr);
            if (!target) return false;
            answer.names.push_back(*target);
            return true;
        }
        case RecordType::tlsa: {
            // RFC 6698 2.1: usage, selector, matching type, association data.
            if (rr.rdlength < 3) return false;
            TlsaRecord t{p[0], p[1], p[2],
                         std::string(reinterpret_cast<const char*>(p + 3), rr.rdlength - 3u)};
            answer.tlsa.push_back(std::move(t));
            return true;
        }
    }
    return true;  // a type we do not model: ignored
}

Rcode map_rcode(unsigned rcode) {
    switch (rcode) {
        case 0:
            return Rcode::noerror;
        case 3:
            return Rcode::nxdomain;
        default:
            // RFC 1035 4.1.1: FORMERR, SERVFAIL, NOTIMP, REFUSED... all mean
            // "no usable answer from this server" (a temporary error to SPF).
            return Rcode::servfail;
    }
}

}  // namespace

std::string normalize_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return to_lower(name);
}

Result<std::vector<unsigned char>> build_query(const Question& question) {
    std::string name = normalize_name(question.name);
    // RFC 1035 2.3.4: 255 octets on the wire, i.e. 253 characters of text.
    if (name.empty() || name.size() > 253) return fail(Errc::invalid, "bad DNS name");
    unsigned char* buf = nullptr;
    int len = 0;
    int rc = ares_create_query(name.c_str(), kClassIn, static_cast<int>(question.type), 0, 1, &buf,
                               &len, kEdnsPayload);
    if (rc != ARES_SUCCESS) return fail(Errc::invalid, ares_strerror(rc));
    std::vector<unsigned char> out(buf, buf + len);
    ares_free_string(buf);
    // RFC 6840 5.7: AD=1 in a query asks for the AD bit in the response.
    if (out.size() > 3) out[3] |= 0x20;
    return out;
}

Result<ParsedResponse> parse_response(const unsigned char* data, std::size_t size,
                                      const Question& question) {
    if (size < kHeaderSize) return fail(Errc::invalid, "DNS response too short");
    Reader r(data, size);
    // RFC 1035 4.1.1: QR in byte 2; AD (RFC 4035 3.2.3) and RCODE in byte 3.
    if ((data[2] & 0x80) == 0) return fail(Errc::invalid, "DNS packet is not a response");
    ParsedResponse out;
    Answer& answer = out.answer;
    answer.rcode = map_rcode(data[3] & 0x0f);
    answer.authenticated = (data[3] & 0x20) != 0;
    std::uint16_t qdcount = read16(data + 4);
    std::uint16_t ancount = read16(data + 6);
    std::uint16_t nscount = read16(data + 8);

    std::size_t pos = kHeaderSize;
    for (unsigned i = 0; i < qdcount; ++i) {
        std::size_t used = 0;
        if (!r.name_at(pos, &used) || pos + used + 4 > size) {
            return fail(Errc::invalid, "bad question section");
        }
        pos += used + 4;
    }
    std::vector<Rr> answers;
    for (unsigned i = 0; i < ancount; ++i) {
        auto rr = r.next_rr(pos);
        if (!rr) return fail(Errc::invalid, "bad answer section");
        answers.push_back(std::move(*rr));
    }
    std::optional<std::uint32_t> negative_ttl;
    for (unsigned i = 0; i < nscount; ++i) {
        auto rr = r.next_rr(pos);
        if (!rr) break;  // the authority section is advisory; keep the answers
        if (rr->type == kTypeSoa && rr->rdlength >= 22) {
            // RFC 2308 5: negative TTL = min(SOA TTL, SOA MINIMUM), the last
            // 32-bit field of the SOA rdata.
            std::uint32_t minimum = read32(data + rr->rdata + rr->rdlength - 4);
            negative_ttl = std::min(rr->ttl, minimum);
        }
    }

    const auto want = static_cast<std::uint16_t>(question.type);
    const auto cname = static_cast<std::uint16_t>(RecordType::cname);
    std::string current = normalize_name(question.name);
    std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
    bool found = false;
    for (int hop = 0;; ++hop) {
        for (const Rr& rr : answers) {
            if (rr.owner != current || rr.type != want) continue;
            if (!add_record(r, rr, answer)) return fail(Errc::invalid, "bad record data");
            ttl = std::min(ttl, rr.ttl);
            found = true;
        }
        if (found || want == cname) break;
        auto link = std::find_if(answers.begin(), answers.end(), [&](const Rr& rr) {
            return rr.owner == current && rr.type == cname;
        });
        if (link == answers.end()) break;
        // RFC 1034 3.6.2: restart the lookup at the canonical name.
        if (hop >= kMaxCnameHops) {
            answer.rcode = Rcode::servfail;
            break;
        }
        auto target = r.name_at(link->rdata, nullptr);
        if (!target) return fail(Errc::invalid, "bad CNAME data");
        ttl = std::min(ttl, link->ttl);
        current = normalize_name(*target);
        out.cname_hops = hop + 1;
    }
    answer.canonical_name = current;
    if (found) {
        answer.ttl = ttl;
    } else {
        // Negative answers are cached only as long as the SOA allows
        // (RFC 2308 5); without a SOA, not at all.
        out.chain_incomplete =
            answer.rcode == Rcode::noerror && out.cname_hops > 0 && !negative_ttl.has_value();
        // An incomplete chain reports how long its links may be cached; the
        // resolver combines that with the target's answer.
        answer.ttl = out.chain_incomplete ? ttl : negative_ttl.value_or(0);
        if (out.cname_hops > 0 && ttl < answer.ttl) answer.ttl = ttl;
    }
    return out;
}

}  // namespace tern::dns

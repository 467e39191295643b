#include "mailauth/dmarc/report_rows.hpp"

#include <charconv>

#include "base/strings.hpp"

namespace tern::mailauth::dmarc {

namespace {

std::string clean(std::string_view in) {
    std::string out;
    for (char c : in) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '/') continue;
        out += c;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (v == a) return true;
    return false;
}

// RFC 7489 Appendix C DKIMResultType / SPFResultType words.
std::string dkim_word(dkim::DkimResult r) {
    return std::string(dkim::to_string(r));
}

}  // namespace

std::optional<ReportRow> report_row(const RowSource& s) {
    const DmarcVerdict& v = s.verdict;
    if (!v.record || v.record->aggregate_uris.empty()) return std::nullopt;
    ReportRow row;
    row.source_ip = clean(s.client_ip);
    row.count = 1;
    row.header_from = clean(v.from_domain);
    row.envelope_from = clean(s.mail_from_domain);
    row.disposition = s.disposition;
    row.dkim_aligned_pass = v.dkim_aligned;
    row.spf_aligned_pass = v.spf_aligned;
    // RFC 7489 Appendix C PolicyOverrideType: sampled_out when pct lowered it.
    if (v.sampled_out) row.reason = "sampled_out";
    for (const auto& d : s.dkim) {
        if (d.domain.empty()) continue;
        row.dkim.push_back({clean(d.domain), clean(d.selector), dkim_word(d.result)});
    }
    if (s.spf) {
        row.spf_domain = clean(s.spf->domain);
        row.spf_scope = s.mail_from_domain.empty() ? "helo" : "mfrom";
        row.spf_result = std::string(spf::to_string(s.spf->result));
    } else {
        row.spf_domain = clean(s.mail_from_domain.empty() ? s.helo : s.mail_from_domain);
        row.spf_result = "none";
    }
    return row;
}

std::string encode_row(const ReportRow& r) {
    std::string dkim;
    for (const auto& d : r.dkim) {
        if (!dkim.empty()) dkim += ' ';
        dkim += clean(d.domain) + "/" + clean(d.selector) + "/" + clean(d.result);
    }
    const std::string fields[] = {clean(r.source_ip),
                                  clean(r.header_from),
                                  clean(r.envelope_from),
                                  clean(r.disposition),
                                  r.dkim_aligned_pass ? "1" : "0",
                                  r.spf_aligned_pass ? "1" : "0",
                                  clean(r.reason),
                                  clean(r.spf_domain),
                                  clean(r.spf_scope),
                                  clean(r.spf_result),
                                  dkim};
    std::string out;
    for (const std::string& f : fields) {
        if (!out.empty()) out += '\t';
        out += f;
    }
    return out;
}

std::optional<ReportRow> decode_row(std::string_view key, uint64_t count) {
    auto f = split(key, '\t');
    if (f.size() != 11) return std::nullopt;
    ReportRow r;
    r.count = count;
    r.source_ip = f[0];
    r.header_from = f[1];
    r.envelope_from = f[2];
    r.disposition = f[3];
    if (!one_of(r.disposition, {"none", "quarantine", "reject"})) return std::nullopt;
    if (!one_of(f[4], {"0", "1"}) || !one_of(f[5], {"0", "1"})) return std::nullopt;
    r.dkim_aligned_pass = f[4] == "1";
    r.spf_aligned_pass = f[5] == "1";
    r.reason = f[6];
    r.spf_domain = f[7];
    r.spf_scope = f[8];
    r.spf_result = f[9];
    if (!one_of(r.spf_scope, {"mfrom", "helo"})) return std::nullopt;
    if (!f[10].empty()) {
        for (auto entry : split(f[10], ' ')) {
            auto parts = split(entry, '/');
            if (parts.size() != 3 || parts[0].empty()) return std::nullopt;
            r.dkim.push_back({std::string(parts[0]), std::string(parts[1]), std::string(parts[2])});
        }
    }
    if (r.source_ip.empty() || r.header_from.empty()) return std::nullopt;
    return r;
}

std::string encode_policy(const DmarcVerdict& v) {
    if (!v.record) return "";
    const DmarcRecord& rec = *v.record;
    std::string p(to_string(rec.policy));
    std::string sp(to_string(rec.subdomain_policy.value_or(rec.policy)));
    return std::string(rec.dkim_alignment == AlignMode::strict ? "s" : "r") + " " +
           (rec.spf_alignment == AlignMode::strict ? "s" : "r") + " " + p + " " + sp + " " +
           std::to_string(rec.percent);
}

std::optional<PublishedPolicy> decode_policy(std::string_view text, std::string domain) {
    auto f = split(text, ' ');
    if (f.size() != 5) return std::nullopt;
    PublishedPolicy p;
    p.domain = std::move(domain);
    if (!one_of(f[0], {"r", "s"}) || !one_of(f[1], {"r", "s"})) return std::nullopt;
    p.adkim = f[0][0];
    p.aspf = f[1][0];
    if (!one_of(f[2], {"none", "quarantine", "reject"}) ||
        !one_of(f[3], {"none", "quarantine", "reject"}))
        return std::nullopt;
    p.p = f[2];
    p.sp = f[3];
    unsigned pct = 0;
    auto [end, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), pct);
    if (ec != std::errc() || end != f[4].data() + f[4].size() || pct > 100) return std::nullopt;
    p.pct = pct;
    return p;
}

std::string encode_rua(const std::vector<ReportUri>& uris) {
    std::string out;
    for (const auto& u : uris) {
        if (!out.empty()) out += ' ';
        out += clean(u.uri) + "!" + std::to_string(u.max_size);
    }
    return out;
}

std::vector<ReportUri> decode_rua(std::string_view text) {
    std::vector<ReportUri> out;
    if (text.empty()) return out;
    for (auto entry : split(text, ' ')) {
        auto bang = entry.rfind('!');
        if (bang == std::string_view::npos || bang == 0) continue;
        ReportUri u;
        u.uri = std::string(entry.substr(0, bang));
        auto digits = entry.substr(bang + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u.max_size);
        if (ec != std::errc() || end != digits.data() + digits.size()) continue;
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace tern::mailauth::dmarc

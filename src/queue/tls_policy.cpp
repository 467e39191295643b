#include "queue/tls_policy.hpp"

namespace tern::queue {

std::string_view to_string(HostTls::Level level) {
    switch (level) {
        case HostTls::Level::none:
            return "none";
        case HostTls::Level::may:
            return "may";
        case HostTls::Level::encrypt:
            return "encrypt";
        case HostTls::Level::verify:
            return "verify";
        case HostTls::Level::dane:
            return "dane";
    }
    return "unknown";
}

std::string tlsa_name(std::string_view host, unsigned port) {
    return "_" + std::to_string(port) + "._tcp." + std::string(host);
}

namespace {

// RFC 6698 2.1.3: digest lengths of matching types 1 and 2.
bool usable(const dns::TlsaRecord& r) {
    // RFC 7672 3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP.
    if (r.usage != 2 && r.usage != 3) return false;
    if (r.selector > 1) return false;
    switch (r.matching_type) {
        case 0:
            return !r.data.empty();
        case 1:
            return r.data.size() == 32;
        case 2:
            return r.data.size() == 64;
        default:
            return false;
    }
}

}  // namespace

DaneDecision dane_from_tlsa(const dns::Answer& answer, std::string_view name) {
    DaneDecision d;
    switch (answer.rcode) {
        case dns::Rcode::servfail:
        case dns::Rcode::timeout:
            // RFC 7672 2.2: a failed TLSA lookup of a secure host may be an
            // attacker hiding the records; do not use the host now.
            d.error = "TLSA lookup for " + std::string(name) + " failed (" +
                      std::string(dns::to_string(answer.rcode)) + "); not delivering without it";
            return d;
        case dns::Rcode::nxdomain:
            return d;  // no TLSA records: no DANE
        case dns::Rcode::noerror:
            break;
    }
    // RFC 7672 2.2.2: only validated (AD) records count.
    if (!answer.authenticated || answer.tlsa.empty()) return d;
    HostTls tls;
    tls.source = "dane";
    for (const dns::TlsaRecord& r : answer.tlsa) {
        if (usable(r)) tls.tlsa.push_back({r.usage, r.selector, r.matching_type, r.data});
    }
    // RFC 7672 2.2: records that are all unusable still mean "this host
    // does TLS": encrypt without authentication.
    tls.level = tls.tlsa.empty() ? HostTls::Level::encrypt : HostTls::Level::dane;
    d.tls = std::move(tls);
    return d;
}

}  // namespace tern::queue

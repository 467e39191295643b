#include "testing/memory_resolver.hpp"

#include <utility>

#include "base/strings.hpp"

namespace tern::testing {
namespace {

dns::Answer failed(dns::Rcode rcode) {
    dns::Answer answer;
    answer.rcode = rcode;
    return answer;
}

std::string normalize(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return to_lower(name);
}

}  // namespace

MemoryResolver::Node& MemoryResolver::node(std::string_view name) {
    return zone_[normalize(name)];
}

void MemoryResolver::add_a(std::string_view name, std::string_view ip) {
    auto parsed = dns::IpAddress::parse(ip);
    if (parsed) add_address(name, *parsed);
}

void MemoryResolver::add_address(std::string_view name, const dns::IpAddress& ip) {
    Entry e;
    e.type = ip.is_v4() ? dns::RecordType::a : dns::RecordType::aaaa;
    e.address = ip;
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_mx(std::string_view name, std::uint16_t preference,
                            std::string_view host) {
    Entry e;
    e.type = dns::RecordType::mx;
    e.mx = {preference, normalize(host)};
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_txt(std::string_view name, std::string_view text) {
    Entry e;
    e.type = dns::RecordType::txt;
    e.text = std::string(text);
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_ptr(std::string_view name, std::string_view target) {
    Entry e;
    e.type = dns::RecordType::ptr;
    e.text = normalize(target);
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_cname(std::string_view name, std::string_view target) {
    Entry e;
    e.type = dns::RecordType::cname;
    e.text = normalize(target);
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_tlsa(std::string_view name, const dns::TlsaRecord& record) {
    Entry e;
    e.type = dns::RecordType::tlsa;
    e.tlsa = record;
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_timeout(std::string_view name) {
    Entry e;
    e.kind = Entry::Kind::timeout_all;
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::add_timeout(std::string_view name, dns::RecordType type) {
    Entry e;
    e.kind = Entry::Kind::timeout_type;
    e.type = type;
    node(name).entries.push_back(std::move(e));
}

void MemoryResolver::set_rcode(std::string_view name, dns::Rcode rcode) {
    node(name).rcode = rcode;
}

dns::Answer MemoryResolver::answer_one(const std::string& name, dns::RecordType type,
                                       std::string& cname) {
    dns::Answer answer;
    answer.authenticated = authenticated_;
    answer.canonical_name = name;
    answer.ttl = 3600;
    auto it = zone_.find(name);
    if (it == zone_.end()) {
        answer.rcode = dns::Rcode::nxdomain;
        return answer;
    }
    const Node& n = it->second;
    if (n.rcode) {
        answer.rcode = *n.rcode;
        return answer;
    }
    bool seen_type = false;
    for (const Entry& e : n.entries) {
        if (e.kind == Entry::Kind::timeout_all && !seen_type) {
            return failed(dns::Rcode::timeout);
        }
        if (e.kind == Entry::Kind::timeout_type && e.type == type) {
            return failed(dns::Rcode::timeout);
        }
        if (e.kind != Entry::Kind::record) continue;
        if (e.type == dns::RecordType::cname && type != dns::RecordType::cname) {
            cname = e.text;
            continue;
        }
        if (e.type != type) continue;
        seen_type = true;
        switch (type) {
            case dns::RecordType::a:
            case dns::RecordType::aaaa:
                answer.addresses.push_back(e.address);
                break;
            case dns::RecordType::mx:
                answer.mx.push_back(e.mx);
                break;
            case dns::RecordType::txt:
                answer.txt.push_back(e.text);
                break;
            case dns::RecordType::ptr:
            case dns::RecordType::cname:
                answer.names.push_back(e.text);
                break;
            case dns::RecordType::tlsa:
                answer.tlsa.push_back(e.tlsa);
                break;
        }
    }
    return answer;
}

dns::Answer MemoryResolver::query(const dns::Question& question) {
    queries_.push_back(question);
    std::string name = normalize(question.name);
    std::vector<std::string> chain;
    // RFC 1034 3.6.2: follow the chain; a loop is a server failure.
    for (int hop = 0; hop < 8; ++hop) {
        std::string cname;
        dns::Answer answer = answer_one(name, question.type, cname);
        if (!answer.ok() || !answer.empty() || cname.empty()) return answer;
        chain.push_back(name);
        for (const auto& seen : chain) {
            if (seen == cname) return failed(dns::Rcode::servfail);
        }
        name = cname;
    }
    return failed(dns::Rcode::servfail);
}

void MemoryResolver::lookup(const dns::Question& question, Callback done) {
    done(query(question));
}

}  // namespace tern::testing

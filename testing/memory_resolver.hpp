// MemoryResolver: an in-memory DNS for tests (STYLE.md 9), implementing both
// dns::Resolver (callback invoked before lookup() returns) and
// dns::SyncResolver over the same zone data.
//
// Behaviour, modelled on a recursive resolver's answers:
//   - names are case-insensitive and the trailing dot is optional;
//   - a name with no entries at all answers NXDOMAIN; a name with entries
//     but none of the asked type answers NOERROR with no records (NODATA);
//   - CNAME entries are followed (up to 8 links); a loop answers SERVFAIL;
//   - add_timeout(name) appends a timeout marker: a query for that name
//     times out unless a record of the asked type was added before the
//     marker (the openspf test-suite convention), and
//     add_timeout(name, type) times out that type only;
//   - set_rcode(name, rcode) makes every query for the name fail that way.
// Every question is logged in queries(), so tests can assert how many
// lookups a piece of code made.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"

namespace tern::testing {

class MemoryResolver : public dns::Resolver, public dns::SyncResolver {
  public:
    // Makes the name exist (NOERROR, no records) even without records.
    void add_name(std::string_view name) { node(name); }
    void add_a(std::string_view name, std::string_view ip);  // IPv4 or IPv6 text
    void add_address(std::string_view name, const dns::IpAddress& ip);
    void add_mx(std::string_view name, std::uint16_t preference, std::string_view host);
    void add_txt(std::string_view name, std::string_view text);
    void add_ptr(std::string_view name, std::string_view target);
    void add_cname(std::string_view name, std::string_view target);
    void add_tlsa(std::string_view name, const dns::TlsaRecord& record);
    void add_timeout(std::string_view name);
    void add_timeout(std::string_view name, dns::RecordType type);
    void set_rcode(std::string_view name, dns::Rcode rcode);
    void set_authenticated(bool ad) { authenticated_ = ad; }

    dns::Answer query(const dns::Question& question) override;
    void lookup(const dns::Question& question, Callback done) override;

    const std::vector<dns::Question>& queries() const { return queries_; }
    void clear_queries() { queries_.clear(); }

  private:
    struct Entry {
        enum class Kind { record, timeout_all, timeout_type } kind = Kind::record;
        dns::RecordType type = dns::RecordType::a;
        dns::IpAddress address;
        dns::MxRecord mx;
        std::string text;  // TXT, PTR or CNAME target
        dns::TlsaRecord tlsa;
    };
    struct Node {
        std::vector<Entry> entries;
        std::optional<dns::Rcode> rcode;
    };

    Node& node(std::string_view name);
    dns::Answer answer_one(const std::string& name, dns::RecordType type, std::string& cname);

    std::map<std::string, Node> zone_;
    std::vector<dns::Question> queries_;
    bool authenticated_ = false;
};

}  // namespace tern::testing

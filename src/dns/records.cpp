#include "dns/records.hpp"

namespace tern::dns {

std::string_view to_string(RecordType type) {
    switch (type) {
        case RecordType::a:
            return "A";
        case RecordType::cname:
            return "CNAME";
        case RecordType::ptr:
            return "PTR";
        case RecordType::mx:
            return "MX";
        case RecordType::txt:
            return "TXT";
        case RecordType::aaaa:
            return "AAAA";
        case RecordType::tlsa:
            return "TLSA";
    }
    return "?";
}

std::string_view to_string(Rcode rcode) {
    switch (rcode) {
        case Rcode::noerror:
            return "NOERROR";
        case Rcode::nxdomain:
            return "NXDOMAIN";
        case Rcode::servfail:
            return "SERVFAIL";
        case Rcode::timeout:
            return "TIMEOUT";
    }
    return "?";
}

}  // namespace tern::dns

#include "base/result.hpp"

namespace tern {

std::string_view to_string(Errc code) {
    switch (code) {
        case Errc::invalid:
            return "invalid";
        case Errc::not_found:
            return "not_found";
        case Errc::exists:
            return "exists";
        case Errc::denied:
            return "denied";
        case Errc::limit:
            return "limit";
        case Errc::quota:
            return "quota";
        case Errc::busy:
            return "busy";
        case Errc::io:
            return "io";
        case Errc::timeout:
            return "timeout";
        case Errc::internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace tern

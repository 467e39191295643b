#include "smtp/server/data_decoder.hpp"

namespace tern::smtp {

bool DataDecoder::feed_line(std::string_view raw) {
    bool crlf = raw.size() >= 2 && raw[raw.size() - 1] == '\n' && raw[raw.size() - 2] == '\r';
    if (prev_crlf_ && crlf && raw == ".\r\n") return true;
    if (!crlf) bare_lf_ = true;
    prev_crlf_ = crlf;
    // RFC 5321 4.5.2: remove the first "." of a line starting with one.
    if (!raw.empty() && raw.front() == '.') raw.remove_prefix(1);
    size_ += raw.size();
    if (size_ > max_size_) {
        // Keep reading to the end of data (so the session stays in sync) but
        // stop storing: the reply will be 552 5.3.4 and nothing is kept.
        too_big_ = true;
        content_.clear();
        content_.shrink_to_fit();
        return false;
    }
    if (!too_big_) content_.append(raw);
    return false;
}

}  // namespace tern::smtp

// DataDecoder: turns the lines of an SMTP DATA transfer into the message.
//
// RFC 5321 4.1.1.4 and 4.5.2: the data ends with a line holding a single
// "." ("CRLF.CRLF"); a leading "." on any other line is removed
// (transparency). Only that exact sequence ends the data: a "." line ended by
// a bare LF, or following a line ended by a bare LF, or a bare CR anywhere is
// content, never an end. So no sequence like "\n.\n", "\n.\r\n" or "\r.\r\n"
// can end a message early and smuggle a second one in behind it (the SMTP
// smuggling class, CVE-2023-51766 and relatives). The bytes are otherwise
// kept exactly as received.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::smtp {

class DataDecoder {
  public:
    explicit DataDecoder(uint64_t max_size) : max_size_(max_size) {}

    // Feeds one raw line including its LF (as net::LineReader returns it).
    // Returns true when the line was the end of data (nothing is added).
    bool feed_line(std::string_view raw);
    // Marks that a line was too long for the reader and was dropped: the
    // message is then refused as too big.
    void line_dropped() { too_big_ = true; }

    bool too_big() const { return too_big_; }
    bool saw_bare_lf() const { return bare_lf_; }
    uint64_t size() const { return size_; }
    std::string& content() { return content_; }

  private:
    uint64_t max_size_;
    uint64_t size_ = 0;
    std::string content_;
    bool prev_crlf_ = true;  // the previous line ended with CRLF (or none yet)
    bool too_big_ = false;
    bool bare_lf_ = false;
};

}  // namespace tern::smtp

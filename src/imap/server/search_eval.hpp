// SEARCH evaluation (RFC 9051 6.4.4, RFC 3501 6.4.4): does one message
// match a parsed SearchKey tree (imap/proto/search_key.hpp)?
//
// Flags, sizes, sequence numbers, UIDs, internal dates (BEFORE/ON/SINCE
// compare the UTC calendar date of the internal date, RFC 9051 6.4.4
// "disregarding time and timezone"), MODSEQ, OLDER/YOUNGER (RFC 5032) need
// only the store's metadata. Header keys (FROM, TO, CC, BCC, SUBJECT,
// HEADER) are a case-insensitive substring match on the unfolded field
// values (read from ctx.header(), the stored header block, when given).
// BODY and TEXT match the decoded text (mime/search_text.hpp: transfer
// encodings undone, charsets converted, RFC 2047 words decoded): the
// session answers them from the store's full-text index through ctx.text;
// without it (or for messages not indexed yet) the text is decoded from the
// raw bytes here and compared under i;unicode-casemap.
// SENTBEFORE/SENTON/SENTSINCE compare the calendar date written in the Date
// header (a message without a readable one matches none of them). A "$" set
// (RFC 5182 2.1) matches the messages of ctx.saved, the saved result as
// ascending UIDs, whether it stands as a sequence set or after UID.
// \Recent is not kept: RECENT and NEW match nothing, OLD everything.
//
// Pure apart from ctx.raw(), which the caller provides to load the bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/search_key.hpp"
#include "store/store.hpp"

namespace tern::imap {

struct SearchContext {
    std::uint32_t seq = 0;
    std::uint32_t max_seq = 0;
    std::uint32_t max_uid = 0;
    std::int64_t now = 0;                               // unix seconds, for OLDER/YOUNGER
    const std::vector<std::uint32_t>* saved = nullptr;  // "$": ascending UIDs
    // The message's raw bytes, or nullptr when they cannot be read.
    std::function<const std::string*()> raw;
    // Optional: the top-level header block (cheaper than raw), or nullptr.
    std::function<const std::string*()> header;
    // Optional: the answer for a BODY or TEXT key, from the full-text index.
    std::function<Result<bool>(const SearchKey&)> text;
};

// BODY/TEXT without the index: does the decoded text of `raw` contain
// `needle` (i;unicode-casemap)? TEXT looks at the header fields too.
bool text_contains(std::string_view raw, bool whole_message, std::string_view needle);

Result<bool> search_matches(const SearchKey& key, const store::Message& m, SearchContext& ctx);

}  // namespace tern::imap

// SEARCH evaluation (RFC 9051 6.4.4, RFC 3501 6.4.4): does one message
// match a parsed SearchKey tree (imap/proto/search_key.hpp)?
//
// Flags, sizes, sequence numbers, UIDs, internal dates (BEFORE/ON/SINCE
// compare the UTC calendar date of the internal date, RFC 9051 6.4.4
// "disregarding time and timezone"), MODSEQ, OLDER/YOUNGER (RFC 5032) need
// only the store's metadata. Header keys (FROM, TO, CC, BCC, SUBJECT,
// HEADER) are a case-insensitive substring match on the unfolded field
// values; BODY and TEXT on the raw body / raw message. Neither is decoded
// (no RFC 2047, no transfer encodings, ASCII case folding only) and each
// reads the message: a scan, not the full-text index the issue asks for.
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
};

Result<bool> search_matches(const SearchKey& key, const store::Message& m, SearchContext& ctx);

}  // namespace tern::imap

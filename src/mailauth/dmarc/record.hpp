// DMARC policy record parser (RFC 7489 6.3, 6.4): the TXT record published
// at _dmarc.<domain>, parsed by a pure function (STYLE.md 2).
//
// is_dmarc_record(): true when the text starts with the version tag
// "v=DMARC1" (RFC 7489 6.6.3: other TXT records at the name are discarded
// before counting). parse_record() then reads the tag list.
//
// What rejects a record (Errc::invalid): v= not first or not exactly
// "DMARC1"; a malformed tag list (a segment without "=", a bad tag name, a
// tag given twice). What does not (RFC 7489 6.3: "Unknown tags MUST be
// ignored"; "Syntax errors in the remainder of the record SHOULD be
// discarded in favor of default values"): unknown tags are skipped, and a
// known tag with a bad value falls back to its default (pct 100, adkim/aspf
// relaxed, fo "0", rf "afrf", ri 86400; bad URIs are dropped from rua/ruf).
// p and sp follow RFC 7489 6.6.3 instead: when p is missing or invalid, or
// sp is invalid, the record is usable only if rua holds at least one valid
// URI, and is then read as p=none (`policy_fallback` is set); otherwise
// `usable` is false and the receiver applies no DMARC processing.
//
// RFCs: RFC 7489 6.3, 6.4, 6.6.3; RFC 3986 3.1 (URI scheme syntax).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::mailauth::dmarc {

// RFC 7489 6.3 "p": the Domain Owner's requested handling.
enum class Policy { none, quarantine, reject };
// RFC 7489 3.1: identifier alignment modes.
enum class AlignMode { relaxed, strict };

std::string_view to_string(Policy policy);

// RFC 7489 6.4 dmarc-uri: URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ].
struct ReportUri {
    std::string uri;
    std::uint64_t max_size = 0;  // bytes; 0 when no limit was given
    bool operator==(const ReportUri&) const = default;
};

struct DmarcRecord {
    Policy policy = Policy::none;                   // p
    std::optional<Policy> subdomain_policy;         // sp (nullopt: use p)
    int percent = 100;                              // pct, 0-100
    AlignMode dkim_alignment = AlignMode::relaxed;  // adkim
    AlignMode spf_alignment = AlignMode::relaxed;   // aspf
    std::vector<ReportUri> aggregate_uris;          // rua
    std::vector<ReportUri> failure_uris;            // ruf
    std::string failure_options = "0";              // fo, e.g. "1:d"
    std::string report_format = "afrf";             // rf
    std::uint32_t report_interval = 86400;          // ri, seconds
    // RFC 7489 6.6.3: p missing/invalid or sp invalid, and a valid rua: the
    // record is read as p=none.
    bool policy_fallback = false;
    // False when p (or sp) is unusable and there is no valid rua: RFC 7489
    // 6.6.3 says to apply no DMARC processing.
    bool usable = true;
};

bool is_dmarc_record(std::string_view txt);

Result<DmarcRecord> parse_record(std::string_view txt);

}  // namespace tern::mailauth::dmarc

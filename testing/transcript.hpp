// Transcript scripts: plain-text protocol conversations that serve as the
// executable protocol spec (STYLE.md 11). This module reads a script and
// compares a server's output with it; it knows no protocol, store or stream.
// The protocol runners (tests/transcripts/) build the session and interpret
// the directives.
//
// Format, one item per line (the file is read as bytes):
//   C: text     the client sends text followed by CRLF
//   C~ text     the client sends text with no line ending added
//   S: text     the next server line (without its CRLF) is exactly text
//   S~ regex    the next server line matches the ECMAScript regex as a whole
//   @wait       the client waits for the server's replies before sending
//               what follows (no single read crosses this point: a STARTTLS
//               handshake, or anything else a real client waits for)
//   @connection the following lines belong to a new connection (the same
//               store; connections run one after the other)
//   @name args  any other directive, handed to the runner with its line
//   # text      a comment; empty lines are ignored
// C:, C~ and directive arguments understand the escapes \r \n \t \\ and
// \xHH (two hex digits), so bare CR/LF, NUL and 8-bit octets can be written;
// S: and S~ take their text literally.
//
// Promises: parse_transcript never throws on any input; a malformed line
// (an unknown prefix, a bad escape, a bad regex) is an Errc::invalid error
// naming the file and line. match_replies reports the first difference
// with the script line, the expected and the actual server line.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::testing {

struct Directive {
    int line = 0;
    std::string name;               // without '@': "config", "user", ...
    std::vector<std::string> args;  // split on spaces, escapes decoded
    std::string raw;                // the text after the name, as written
};

// The directive's text after its first `skip` arguments, escapes decoded and
// inner spaces kept (for message text such as "Subject: hello").
Result<std::string> directive_tail(const Directive& d, std::size_t skip);

struct Expectation {
    int line = 0;
    bool is_regex = false;
    std::string text;  // exact text, or the regex source
    std::regex regex;  // compiled when is_regex
};

struct ScriptConnection {
    int first_line = 0;
    std::vector<Directive> directives;  // in file order
    std::string input;                  // every octet the client sends
    std::vector<std::size_t> waits;     // offsets into input, ascending
    std::vector<Expectation> expected;  // server lines, in order
};

struct Transcript {
    std::string name;  // the file name, for messages
    std::vector<ScriptConnection> connections;
};

// Decodes \r \n \t \\ \xHH; any other backslash sequence is an error.
Result<std::string> decode_escapes(std::string_view text);
// Shows octets readably (CR as \r, LF as \n, others as \xHH) for messages.
std::string show_bytes(std::string_view bytes);

Result<Transcript> parse_transcript(std::string_view text, std::string_view name);
Result<Transcript> load_transcript(const std::string& path);

// Compares what the server wrote on one connection with the script. Every
// server line must end with CRLF. Returns nullopt when all lines match and
// nothing is left over, else a message such as
//   "greeting.txt:4: expected `250 2.0.0 Ok`, got `503 5.5.1 Error`".
std::optional<std::string> match_replies(const Transcript& script, const ScriptConnection& conn,
                                         std::string_view output);

}  // namespace tern::testing

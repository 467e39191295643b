// Internal to imap/proto: the per-family command parsers that parse.cpp
// dispatches to, and the argument readers they share. Each parser starts
// right after the command name (before its SP) and must consume the whole
// command or fail with Errc::invalid and a reason for the BAD reply.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/command.hpp"
#include "imap/proto/lexer.hpp"

namespace tern::imap::detail {

// Shared argument readers.
Result<std::string> mailbox(Lexer& lex, const ParseOptions& options);
Result<std::string> decode_mailbox(const std::string& raw, const ParseOptions& options);
Result<SequenceSet> sequence_set(Lexer& lex);
Result<std::vector<std::string>> flag_list(Lexer& lex);       // "(" [flag *(SP flag)] ")"
Result<std::vector<SearchReturn>> search_return(Lexer& lex);  // after "RETURN SP"

// parse_mailbox.cpp: SELECT EXAMINE CREATE DELETE RENAME SUBSCRIBE
// UNSUBSCRIBE STATUS GETQUOTAROOT, and the STATUS item list LIST reuses
Status parse_select(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_mailbox_only(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_create(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_rename(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_status(Lexer& lex, Command& cmd, const ParseOptions& options);
Result<std::vector<StatusItem>> status_items(Lexer& lex);  // "(" item *(SP item) ")"

// parse_list.cpp: LIST LSUB
Status parse_list(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_lsub(Lexer& lex, Command& cmd, const ParseOptions& options);

// parse_append.cpp: APPEND
Status parse_append(Lexer& lex, Command& cmd, const ParseOptions& options);

// parse_message.cpp: FETCH STORE COPY MOVE EXPUNGE
Status parse_fetch(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_store(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_copy(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_expunge(Lexer& lex, Command& cmd, const ParseOptions& options);

// parse_search.cpp: SEARCH SORT THREAD
Status parse_search(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_sort(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_thread(Lexer& lex, Command& cmd, const ParseOptions& options);

// parse_session.cpp: AUTHENTICATE LOGIN ENABLE ID GETQUOTA SETQUOTA COMPRESS
Status parse_authenticate(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_login(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_enable(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_id(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_getquota(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_setquota(Lexer& lex, Command& cmd, const ParseOptions& options);
Status parse_compress(Lexer& lex, Command& cmd, const ParseOptions& options);

}  // namespace tern::imap::detail

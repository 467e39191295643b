// Test-only: valid commands shared by command_test.cpp (each must parse to
// its command) and prefix_test.cpp (each prefix must parse or fail cleanly).
#pragma once

#include <string>
#include <vector>

#include "imap/proto/command.hpp"

namespace tern::imap::test {

struct ValidCommand {
    std::string text;
    CommandName name;
    bool uid = false;
};

inline const std::vector<ValidCommand>& valid_commands() {
    using N = CommandName;
    static const std::vector<ValidCommand> commands = {
        {"a1 CAPABILITY", N::capability},
        {"a2 noop", N::noop},
        {"a3 LOGOUT", N::logout},
        {"a4 STARTTLS", N::starttls},
        {"a5 AUTHENTICATE PLAIN", N::authenticate},
        {"a6 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", N::authenticate},
        {"a7 AUTHENTICATE EXTERNAL =", N::authenticate},
        {"a8 LOGIN alice secret", N::login},
        {"a9 LOGIN \"al ice\" {6}\r\nsec\"et", N::login},
        {"b1 SELECT INBOX", N::select},
        {"b2 EXAMINE \"Sent Items\"", N::examine},
        {"b3 SELECT INBOX (CONDSTORE)", N::select},
        {"b4 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))", N::select},
        {"b5 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
         "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))",
         N::select},
        {"b6 CREATE owatagusiam/", N::create},
        {"b7 CREATE MySpecialArchive (USE (\\Archive))", N::create},
        {"b8 DELETE blurdybloop", N::delete_mailbox},
        {"b9 RENAME blurdybloop sarasoop", N::rename},
        {"c1 SUBSCRIBE #news.comp.mail.mime", N::subscribe},
        {"c2 UNSUBSCRIBE #news.comp.mail.mime", N::unsubscribe},
        {"c3 LIST \"\" \"\"", N::list},
        {"c4 LIST /usr/staff/jones \"\"", N::list},
        {"c5 LIST ~/Mail/ %", N::list},
        {"c6 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN)", N::list},
        {"c7 LIST \"\" (% Other/*) RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))", N::list},
        {"c8 LIST (SPECIAL-USE) \"\" *", N::list},
        {"c9 LSUB \"#news.\" \"comp.mail.*\"", N::lsub},
        {"d1 NAMESPACE", N::namespace_},
        {"d2 STATUS blurdybloop (UIDNEXT MESSAGES)", N::status},
        {"d3 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ)",
         N::status},
        {"d4 APPEND saved-messages (\\Seen) {7}\r\nHello!\n", N::append},
        {"d5 APPEND INBOX (\\Seen $Work) \" 7-Feb-1994 21:52:25 -0800\" {3+}\r\nabc", N::append},
        {"d6 APPEND INBOX {3+}\r\nabc (\\Flagged) {2+}\r\nde", N::append},
        {std::string("d7 APPEND INBOX ~{3}\r\na\0b", 25), N::append},
        {"d8 APPEND INBOX UTF8 (~{2}\r\nhi)", N::append},
        {"d9 CHECK", N::check},
        {"e1 CLOSE", N::close},
        {"e2 UNSELECT", N::unselect},
        {"e3 EXPUNGE", N::expunge},
        {"e4 UID EXPUNGE 3000:3002", N::expunge, true},
        {"e5 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", N::search},
        {"e6 SEARCH TEXT \"string not in mailbox\"", N::search},
        {"e7 SEARCH CHARSET UTF-8 TEXT {12}\r\nXXXXXXXXXXXX", N::search},
        {"e8 SEARCH RETURN (MIN COUNT) FLAGGED", N::search},
        {"e9 SEARCH RETURN () UNDELETED", N::search},
        {"f1 UID SEARCH 1:100 UID $", N::search, true},
        {"f2 SEARCH OR (SEEN FLAGGED) NOT (DELETED) LARGER 1024", N::search},
        {"f3 SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338", N::search},
        {"f4 SEARCH YOUNGER 3600 OLDER 60", N::search},
        {"f5 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", N::fetch},
        {"f6 FETCH 1 BODY.PEEK[1.2.MIME]<0.1024>", N::fetch},
        {"f7 FETCH 1:* ALL", N::fetch},
        {"f8 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)", N::fetch, true},
        {"f9 FETCH 3 (BINARY.PEEK[1]<0.100> BINARY.SIZE[2] BODYSTRUCTURE MODSEQ)", N::fetch},
        {"g1 STORE 2:4 +FLAGS (\\Deleted)", N::store},
        {"g2 STORE 1 -FLAGS.SILENT \\Seen $Junk", N::store},
        {"g3 STORE 7,5,9 (UNCHANGEDSINCE 320162338) FLAGS ()", N::store},
        {"g4 COPY 2:4 MEETING", N::copy},
        {"g5 UID MOVE 42:69 foo", N::move, true},
        {"g6 UID COPY 1:* \"&ZeVnLIqe-\"", N::copy, true},
        {"g7 ENABLE CONDSTORE QRESYNC", N::enable},
        {"g8 IDLE", N::idle},
        {"g9 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)", N::id},
        {"h1 ID NIL", N::id},
        {"h2 SORT (SUBJECT REVERSE DATE) UTF-8 ALL", N::sort},
        {"h3 UID SORT (REVERSE ARRIVAL) US-ASCII UNDELETED UNKEYWORD $Junk", N::sort, true},
        {"h4 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000", N::thread},
        {"h5 UID THREAD REFERENCES US-ASCII TEXT \"gewp\"", N::thread, true},
        {"h6 GETQUOTA \"\"", N::getquota},
        {"h7 GETQUOTAROOT INBOX", N::getquotaroot},
        {"h8 SETQUOTA \"\" (STORAGE 512)", N::setquota},
        {"h9 COMPRESS DEFLATE", N::compress},
        {"i1 SORT RETURN (MIN MAX) (DATE) UTF-8 ALL", N::sort},
        {"i2 SEARCH HEADER Message-ID <x@y> KEYWORD $Forwarded SENTON \"2-Jan-2020\"", N::search},
    };
    return commands;
}

}  // namespace tern::imap::test

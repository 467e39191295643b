// RFC examples are test vectors (STYLE.md 7): the client commands of the
// examples in RFC 9051 6, RFC 3501 6 and 8, and of the extension RFCs, each
// cited, must parse to the command they show.
#include <gtest/gtest.h>

#include "imap/proto/command.hpp"

namespace tern::imap {
namespace {

using N = CommandName;

struct Example {
    const char* source;
    std::string text;
    N name;
};

TEST(RfcExamples, AllParse) {
    const std::vector<Example> examples = {
        {"RFC 9051 6.1.1", "abcd CAPABILITY", N::capability},
        {"RFC 9051 6.1.2", "a002 NOOP", N::noop},
        {"RFC 9051 6.1.3", "A023 LOGOUT", N::logout},
        {"RFC 9051 6.2.1", "a002 STARTTLS", N::starttls},
        {"RFC 9051 6.2.2", "A001 AUTHENTICATE GSSAPI", N::authenticate},
        {"RFC 9051 6.2.2", "A01 AUTHENTICATE PLAIN", N::authenticate},
        {"RFC 9051 6.2.3", "a001 LOGIN SMITH SESAME", N::login},
        {"RFC 9051 6.3.1", "t2 ENABLE IMAP4rev2 CONDSTORE", N::enable},
        {"RFC 9051 6.3.2", "A142 SELECT INBOX", N::select},
        {"RFC 9051 6.3.3", "A932 EXAMINE blurdybloop", N::examine},
        {"RFC 9051 6.3.4", "A003 CREATE owatagusiam/", N::create},
        {"RFC 9051 6.3.4", "A004 CREATE owatagusiam/blurdybloop", N::create},
        {"RFC 9051 6.3.5", "A682 LIST \"\" *", N::list},
        {"RFC 9051 6.3.5", "A683 DELETE blurdybloop", N::delete_mailbox},
        {"RFC 9051 6.3.5", "A684 DELETE foo", N::delete_mailbox},
        {"RFC 9051 6.3.5", "A685 DELETE foo/bar", N::delete_mailbox},
        {"RFC 9051 6.3.6", "A683 RENAME blurdybloop sarasoop", N::rename},
        {"RFC 9051 6.3.6", "Z434 RENAME Foo Zowie", N::rename},
        {"RFC 9051 6.3.7", "A002 SUBSCRIBE #news.comp.mail.mime", N::subscribe},
        {"RFC 9051 6.3.8", "A002 UNSUBSCRIBE #news.comp.mail.mime", N::unsubscribe},
        {"RFC 9051 6.3.9", "A101 LIST \"\" \"\"", N::list},
        {"RFC 9051 6.3.9", "A102 LIST #news.comp.mail.misc \"\"", N::list},
        {"RFC 9051 6.3.9", "A103 LIST /usr/staff/jones \"\"", N::list},
        {"RFC 9051 6.3.9", "A202 LIST ~/Mail/ %", N::list},
        {"RFC 9051 6.3.9", "A02 LIST (SUBSCRIBED) \"\" \"*\"", N::list},
        {"RFC 9051 6.3.9", "A03 LIST () \"\" \"%\" RETURN (CHILDREN)", N::list},
        {"RFC 9051 6.3.9", "A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)", N::list},
        {"RFC 9051 6.3.9", "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"", N::list},
        {"RFC 9051 6.3.9", "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)", N::list},
        {"RFC 9051 6.3.9", "A07 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"", N::list},
        {"RFC 9051 6.3.9", "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)",
         N::list},
        {"RFC 9051 6.3.9", "D01 LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")", N::list},
        {"RFC 9051 6.3.10", "A001 NAMESPACE", N::namespace_},
        {"RFC 9051 6.3.11", "A042 STATUS blurdybloop (UIDNEXT MESSAGES)", N::status},
        {"RFC 9051 6.3.12",
         "A003 APPEND saved-messages (\\Seen) {28+}\r\nDate: x\r\n\r\nHello Joe, bye!\r\n",
         N::append},
        {"RFC 9051 6.3.13", "A002 IDLE", N::idle},
        {"RFC 9051 6.4.1", "A341 CLOSE", N::close},
        {"RFC 9051 6.4.2", "A342 UNSELECT", N::unselect},
        {"RFC 9051 6.4.3", "A202 EXPUNGE", N::expunge},
        {"RFC 9051 6.4.4",
         "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", N::search},
        {"RFC 9051 6.4.4", "A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
         N::search},
        {"RFC 9051 6.4.4", "A284 SEARCH TEXT \"string not in mailbox\"", N::search},
        {"RFC 9051 6.4.4",
         "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\n\xd0\x9c\xd0\xbe\xd1\x81"
         "\xd0\xba\xd0\xb2\xd0\xb0",
         N::search},
        {"RFC 9051 6.4.4",
         "A286 SEARCH CHARSET UTF-8 TEXT {12+}\r\n\xd0\x9c\xd0\xbe\xd1\x81"
         "\xd0\xba\xd0\xb2\xd0\xb0",
         N::search},
        {"RFC 9051 6.4.4", "A301 SEARCH RETURN (SAVE) SINCE 1-Feb-1994 FROM \"Smith\"", N::search},
        {"RFC 9051 6.4.4", "A302 FETCH $ (UID INTERNALDATE FLAGS RFC822.SIZE)", N::fetch},
        {"RFC 9051 6.4.4", "A303 SEARCH UNDELETED UID $", N::search},
        {"RFC 9051 6.4.5", "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", N::fetch},
        {"RFC 9051 6.4.6", "A003 STORE 2:4 +FLAGS (\\Deleted)", N::store},
        {"RFC 9051 6.4.7", "A003 COPY 2:4 MEETING", N::copy},
        {"RFC 9051 6.4.8", "a UID MOVE 42:69 foo", N::move},
        {"RFC 9051 6.4.9", "A999 UID FETCH 4827313:4828442 FLAGS", N::fetch},
        {"RFC 9051 6.4.9", "A003 UID EXPUNGE 3000:3002", N::expunge},
        {"RFC 3501 8", "a001 login mrc secret", N::login},
        {"RFC 3501 8", "a002 select inbox", N::select},
        {"RFC 3501 8", "a003 fetch 12 full", N::fetch},
        {"RFC 3501 8", "a004 fetch 12 body[header]", N::fetch},
        {"RFC 3501 8", "a005 store 12 +flags \\deleted", N::store},
        {"RFC 3501 8", "a006 logout", N::logout},
        {"RFC 3501 6.3.9", "A002 LSUB \"#news.\" \"comp.mail.*\"", N::lsub},
        {"RFC 3501 6.3.9", "A002 LSUB \"#news.\" \"comp.%\"", N::lsub},
        {"RFC 3501 6.4.1", "FXXZ CHECK", N::check},
        {"RFC 3501 6.4.4", "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", N::search},
        {"RFC 3501 6.4.5", "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", N::fetch},
        {"RFC 4959 3", "a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=", N::authenticate},
        {"RFC 7162 3.1.3",
         "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT "
         "(\\Deleted)",
         N::store},
        {"RFC 7162 3.1.4", "s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)", N::fetch},
        {"RFC 7162 3.1.5", "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338", N::search},
        {"RFC 7162 3.1.8", "a SELECT INBOX (CONDSTORE)", N::select},
        {"RFC 7162 3.2.5",
         "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 "
         "41,43:211,214:541))",
         N::select},
        {"RFC 7162 3.2.6", "A03 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)", N::fetch},
        {"RFC 5256 3", "A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994", N::sort},
        {"RFC 5256 3", "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL", N::sort},
        {"RFC 5256 3", "A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"", N::sort},
        {"RFC 5256 4", "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000", N::thread},
        {"RFC 5256 4", "A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"", N::thread},
        {"RFC 9208 4.2", "G0001 GETQUOTA \"!partition/sda4\"", N::getquota},
        {"RFC 9208 4.3", "G0002 GETQUOTAROOT INBOX", N::getquotaroot},
        {"RFC 9208 4.4", "S0000 SETQUOTA \"#user/alice\" (STORAGE 510)", N::setquota},
        {"RFC 4978 3", "a COMPRESS DEFLATE", N::compress},
        {"RFC 2971 3.1",
         "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" "
         "\"Pink Floyd Music Limited\")",
         N::id},
        {"RFC 6154 5.2", "t1 LIST \"\" \"%\" RETURN (SPECIAL-USE)", N::list},
        {"RFC 6154 5.3", "t1 CREATE MySpecialArchive (USE (\\Archive))", N::create},
        {"RFC 5819 2", "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))", N::list},
        {"RFC 3502 7",
         "A003 APPEND saved-messages (\\Seen) {5+}\r\nhello "
         "(\\Seen) {5+}\r\nworld",
         N::append},
        {"RFC 5032 3", "a1 SEARCH UNSEEN YOUNGER 259200", N::search},
        {"RFC 4731 3.2", "A283 UID SEARCH RETURN (COUNT) 1:* NOT DELETED", N::search},
        {"RFC 3516 4.2", std::string("A003 APPEND Drafts (\\Draft) ~{5+}\r\nHi\0!\n", 40),
         N::append},
        {"RFC 3516 4.1", "A3 FETCH 1 (BINARY[2]<0.100> BINARY.SIZE[2])", N::fetch},
    };
    for (const auto& e : examples) {
        auto r = parse_command(e.text);
        ASSERT_TRUE(r) << e.source << ": " << e.text << ": " << r.error().message;
        EXPECT_EQ(r->name, e.name) << e.source << ": " << e.text;
    }
}

TEST(RfcExamples, Rfc9051SearchMeansWhatItSays) {
    // RFC 9051 6.4.4: FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith".
    auto r = parse_command("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    ASSERT_TRUE(r);
    const auto& key = std::get<SearchArgs>(r->args).key;
    ASSERT_EQ(key.type, SearchKeyType::and_);
    ASSERT_EQ(key.children.size(), 3u);
    EXPECT_EQ(key.children[0].type, SearchKeyType::flagged);
    EXPECT_EQ(key.children[1].date, (Date{1994, 2, 1}));
    EXPECT_EQ(key.children[2].type, SearchKeyType::not_);
    EXPECT_EQ(key.children[2].children[0].value, "Smith");
}

TEST(RfcExamples, Rfc3501StoreWithBareFlag) {
    // RFC 3501 8: "a005 store 12 +flags \deleted".
    auto r = parse_command("a005 store 12 +flags \\deleted");
    ASSERT_TRUE(r);
    const auto& s = std::get<StoreArgs>(r->args);
    EXPECT_EQ(s.mode, StoreMode::add);
    EXPECT_EQ(s.flags, (std::vector<std::string>{"\\deleted"}));
}

}  // namespace
}  // namespace tern::imap

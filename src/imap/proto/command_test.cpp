// parse_command(): every command's valid forms (typed results checked) and
// invalid forms (a BAD with or without a tag).
#include "imap/proto/command.hpp"

#include <gtest/gtest.h>

#include "imap/proto/test_cases.hpp"

namespace tern::imap {
namespace {

template <class T>
T args_of(std::string_view text, const ParseOptions& options = {}) {
    auto r = parse_command(text, options);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
    if (!r) return T{};
    const T* a = std::get_if<T>(&r->args);
    EXPECT_NE(a, nullptr) << text;
    return a ? *a : T{};
}

TEST(ParseCommand, EveryValidCommandParses) {
    for (const auto& c : test::valid_commands()) {
        auto r = parse_command(c.text);
        ASSERT_TRUE(r) << c.text << ": " << r.error().message;
        EXPECT_EQ(r->name, c.name) << c.text;
        EXPECT_EQ(r->uid, c.uid) << c.text;
        EXPECT_EQ(r->tag, c.text.substr(0, 2)) << c.text;
    }
}

TEST(ParseCommand, SimpleCommandsTakeNoArguments) {
    for (const char* text : {"t CAPABILITY x", "t NOOP ", "t LOGOUT now", "t IDLE 1", "t CHECK x",
                             "t CLOSE x", "t UNSELECT x", "t NAMESPACE x", "t STARTTLS x"}) {
        auto r = parse_command(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(tag_of(text), std::optional<std::string>("t"));
    }
}

TEST(ParseCommand, AuthenticateWithSaslIr) {
    auto a = args_of<AuthenticateArgs>("x authenticate plain AGFsaWNlAHNlY3JldA==");
    EXPECT_EQ(a.mechanism, "PLAIN");
    EXPECT_EQ(a.initial_response, std::optional<std::string>("AGFsaWNlAHNlY3JldA=="));
    EXPECT_FALSE(args_of<AuthenticateArgs>("x AUTHENTICATE LOGIN").initial_response);
    EXPECT_EQ(args_of<AuthenticateArgs>("x AUTHENTICATE PLAIN =").initial_response,
              std::optional<std::string>("="));
}

TEST(ParseCommand, LoginTakesAstringsAndLiterals) {
    auto a = args_of<LoginArgs>("a LOGIN \"al ice\" {6}\r\nsec\"et");
    EXPECT_EQ(a.user, "al ice");
    EXPECT_EQ(a.password, "sec\"et");
    auto b = args_of<LoginArgs>("a LOGIN bob \"p\\\\w\\\"d\"");
    EXPECT_EQ(b.user, "bob");
    EXPECT_EQ(b.password, "p\\w\"d");
    auto c = args_of<LoginArgs>("a LOGIN {3+}\r\nbob {0}\r\n");
    EXPECT_EQ(c.user, "bob");
    EXPECT_EQ(c.password, "");
}

TEST(ParseCommand, SelectWithCondstoreAndQresync) {
    auto a = args_of<SelectArgs>("a SELECT inbox (CONDSTORE)");
    EXPECT_EQ(a.mailbox, "INBOX");
    EXPECT_TRUE(a.condstore);
    EXPECT_FALSE(a.qresync);
    auto b = args_of<SelectArgs>(test::valid_commands()[13].text);  // "b5 SELECT ..."
    ASSERT_TRUE(b.qresync);
    EXPECT_EQ(b.qresync->uidvalidity, 67890007u);
    EXPECT_EQ(b.qresync->modseq, 90060115194045000ull);
    ASSERT_TRUE(b.qresync->known_uids);
    EXPECT_EQ(b.qresync->known_uids->to_string(), "1:29997");
    ASSERT_TRUE(b.qresync->known_sequence_set);
    EXPECT_EQ(b.qresync->known_sequence_set->to_string(), "5000,7500,9000,9990:9999");
    ASSERT_TRUE(b.qresync->known_uid_set);
    EXPECT_EQ(b.qresync->known_uid_set->ranges.size(), 13u);
    auto c = args_of<SelectArgs>("a SELECT x (QRESYNC (1 2 (1 1)))");
    ASSERT_TRUE(c.qresync);
    EXPECT_FALSE(c.qresync->known_uids);
    EXPECT_TRUE(c.qresync->known_sequence_set);
}

// RFC 3501 9: a quoted string is 7-bit; RFC 6855 3 (UTF8=ACCEPT) and RFC
// 9051 9 (IMAP4rev2) let it carry UTF-8, and only valid UTF-8.
TEST(ParseCommand, QuotedStringsCarryUtf8OnlyWhenEnabled) {
    const std::string search = "a SEARCH CHARSET UTF-8 SUBJECT \"caf\xc3\xa9\"";
    auto plain = parse_command(search);
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().code, Errc::invalid);
    EXPECT_NE(plain.error().message.find("8-bit"), std::string::npos) << plain.error().message;
    // The same text as a literal is fine without UTF-8 mode.
    EXPECT_TRUE(parse_command("a SEARCH CHARSET UTF-8 SUBJECT {5}\r\ncaf\xc3\xa9"));
    ParseOptions utf8;
    utf8.utf8 = true;
    auto s = args_of<SearchArgs>("a SEARCH SUBJECT \"caf\xc3\xa9 \\\"x\\\"\"", utf8);
    ASSERT_EQ(s.key.type, SearchKeyType::subject);
    EXPECT_EQ(s.key.value, "caf\xc3\xa9 \"x\"");
    auto login = args_of<LoginArgs>("a LOGIN \"j\xc3\xb6rg\" \"p\xe2\x82\xac\"", utf8);
    EXPECT_EQ(login.user, "j\xc3\xb6rg");
    EXPECT_EQ(login.password, "p\xe2\x82\xac");
    EXPECT_FALSE(parse_command("a LOGIN \"j\xc3\xb6rg\" x"));
    // Not UTF-8: a lone continuation octet, a truncated sequence, an
    // overlong form, a surrogate.
    for (const char* bad : {"\x80", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80"}) {
        const std::string text = std::string("a SEARCH SUBJECT \"x") + bad + "\"";
        EXPECT_FALSE(parse_command(text, utf8)) << text;
    }
}

TEST(ParseCommand, MailboxNamesAreDecodedToUtf8) {
    EXPECT_EQ(args_of<MailboxArgs>("a CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-").mailbox,
              "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    EXPECT_EQ(args_of<MailboxArgs>("a DELETE \"A &- B\"").mailbox, "A & B");
    EXPECT_EQ(args_of<MailboxArgs>("a SUBSCRIBE InBoX").mailbox, "INBOX");
    EXPECT_FALSE(parse_command("a CREATE &Jjo"));
    EXPECT_FALSE(parse_command("a CREATE \"caf\xc3\xa9\""));  // 8-bit without UTF8=ACCEPT
    ParseOptions utf8;
    utf8.utf8 = true;
    EXPECT_EQ(args_of<MailboxArgs>("a CREATE \"caf\xc3\xa9\"", utf8).mailbox, "caf\xc3\xa9");
    EXPECT_EQ(args_of<MailboxArgs>("a CREATE &Jjo-", utf8).mailbox, "&Jjo-");
    EXPECT_FALSE(parse_command("a CREATE \"caf\xc3\"", utf8));
    EXPECT_FALSE(parse_command("a CREATE {3}\r\na\tb", utf8));
    EXPECT_FALSE(parse_command("a CREATE {3}\r\na\tb"));
    // RFC 6855 3: Net-Unicode names: no C1 controls, no U+2028 / U+2029.
    EXPECT_FALSE(parse_command("a CREATE \"x\xc2\x85y\"", utf8));
    EXPECT_FALSE(parse_command("a CREATE \"x\xe2\x80\xa8y\"", utf8));
    EXPECT_FALSE(parse_command("a CREATE {5}\r\nx\xe2\x80\xa9", utf8));
    EXPECT_EQ(args_of<MailboxArgs>("a CREATE \"\xc2\xa0\xe2\x80\xa7\"", utf8).mailbox,
              "\xc2\xa0\xe2\x80\xa7");
    auto create = args_of<MailboxArgs>("a CREATE Arc (USE (\\Archive \\Junk))");
    EXPECT_EQ(create.special_use, (std::vector<std::string>{"\\Archive", "\\Junk"}));
    auto rename = args_of<RenameArgs>("a RENAME \"a b\" {3}\r\nc/d");
    EXPECT_EQ(rename.from, "a b");
    EXPECT_EQ(rename.to, "c/d");
}

TEST(ParseCommand, ListExtendedOptions) {
    auto basic = args_of<ListArgs>("a LIST \"\" %");
    EXPECT_FALSE(basic.extended);
    EXPECT_EQ(basic.patterns, (std::vector<std::string>{"%"}));
    auto ext = args_of<ListArgs>(
        "a LIST (SUBSCRIBED REMOTE RECURSIVEMATCH) \"\" (INBOX \"&AOk-t&AOk-/*\") "
        "RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (MESSAGES HIGHESTMODSEQ))");
    EXPECT_TRUE(ext.extended);
    EXPECT_TRUE(ext.select_subscribed && ext.select_remote && ext.select_recursive_match);
    EXPECT_EQ(ext.patterns, (std::vector<std::string>{"INBOX", "\xc3\xa9t\xc3\xa9/*"}));
    EXPECT_TRUE(ext.return_subscribed && ext.return_children && ext.return_special_use);
    ASSERT_TRUE(ext.return_status);
    EXPECT_EQ(*ext.return_status,
              (std::vector<StatusItem>{StatusItem::messages, StatusItem::highestmodseq}));
    auto empty = args_of<ListArgs>("a LIST () \"\" % RETURN ()");
    EXPECT_TRUE(empty.extended);
    auto lsub = args_of<ListArgs>("a LSUB \"#news.\" comp.mail.*");
    EXPECT_EQ(lsub.reference, "#news.");
    EXPECT_EQ(lsub.patterns, (std::vector<std::string>{"comp.mail.*"}));
}

TEST(ParseCommand, StatusItems) {
    auto a = args_of<StatusArgs>(
        "a STATUS x (messages uidnext uidvalidity unseen deleted size "
        "recent highestmodseq appendlimit deleted-storage)");
    EXPECT_EQ(a.items.size(), 10u);
    EXPECT_EQ(a.items[5], StatusItem::size);
    EXPECT_EQ(to_string(a.items[7]), "HIGHESTMODSEQ");
    // RFC 9208: DELETED-STORAGE, for QUOTA=RES-STORAGE.
    EXPECT_EQ(a.items[9], StatusItem::deleted_storage);
    EXPECT_EQ(to_string(a.items[9]), "DELETED-STORAGE");
}

TEST(ParseCommand, AppendMessagesFlagsDatesAndLiteralKinds) {
    // MULTIAPPEND: three messages, the second a binary literal with a NUL.
    const std::string text =
        std::string(
            "a APPEND INBOX (\\Seen $Work) \" 7-Feb-1994 21:52:25 -0800\" {3+}\r\nabc "
            "(\\Draft) ~{3}\r\nx") +
        std::string(1, '\0') + "y {2}\r\nzz";
    auto m = args_of<AppendArgs>(text);
    ASSERT_EQ(m.messages.size(), 3u);
    EXPECT_EQ(m.messages[0].flags, (std::vector<std::string>{"\\Seen", "$Work"}));
    ASSERT_TRUE(m.messages[0].internal_date);
    EXPECT_EQ(m.messages[0].internal_date->zone_minutes, -480);
    EXPECT_EQ(m.messages[0].data, "abc");
    EXPECT_FALSE(m.messages[0].binary);
    EXPECT_EQ(m.messages[1].flags, (std::vector<std::string>{"\\Draft"}));
    EXPECT_EQ(m.messages[1].data, std::string("x\0y", 3));
    EXPECT_TRUE(m.messages[1].binary);
    EXPECT_EQ(m.messages[2].data, "zz");
    EXPECT_TRUE(m.messages[2].flags.empty());
    auto u = args_of<AppendArgs>("a APPEND x UTF8 (~{2}\r\nhi)");
    ASSERT_EQ(u.messages.size(), 1u);
    EXPECT_TRUE(u.messages[0].utf8);
    EXPECT_EQ(u.messages[0].data, "hi");
}

TEST(ParseCommand, StoreForms) {
    auto a = args_of<StoreArgs>("a STORE 2:4 +FLAGS (\\Deleted)");
    EXPECT_EQ(a.mode, StoreMode::add);
    EXPECT_FALSE(a.silent);
    EXPECT_EQ(a.flags, (std::vector<std::string>{"\\Deleted"}));
    auto b = args_of<StoreArgs>("a STORE 1 -flags.silent \\Seen $Junk");
    EXPECT_EQ(b.mode, StoreMode::remove);
    EXPECT_TRUE(b.silent);
    EXPECT_EQ(b.flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
    auto c = args_of<StoreArgs>("a STORE $ (UNCHANGEDSINCE 0) FLAGS ()");
    EXPECT_EQ(c.mode, StoreMode::replace);
    EXPECT_TRUE(c.set.saved);
    EXPECT_EQ(c.unchanged_since, std::optional<std::uint64_t>(0));
    EXPECT_TRUE(c.flags.empty());
}

TEST(ParseCommand, CopyMoveExpunge) {
    auto a = args_of<CopyArgs>("a UID MOVE 42:69 foo");
    EXPECT_EQ(a.set.to_string(), "42:69");
    EXPECT_EQ(a.mailbox, "foo");
    EXPECT_FALSE(args_of<ExpungeArgs>("a EXPUNGE").uids);
    auto e = args_of<ExpungeArgs>("a UID EXPUNGE 3000:3002,*");
    ASSERT_TRUE(e.uids);
    EXPECT_EQ(e.uids->to_string(), "3000:3002,*");
}

TEST(ParseCommand, EnableIdQuotaCompress) {
    EXPECT_EQ(args_of<EnableArgs>("a ENABLE condstore utf8=accept").capabilities,
              (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
    auto id = args_of<IdArgs>("a ID (\"name\" \"sodr\" \"vendor\" NIL)");
    ASSERT_TRUE(id.fields);
    ASSERT_EQ(id.fields->size(), 2u);
    EXPECT_EQ((*id.fields)[0].first, "name");
    EXPECT_EQ((*id.fields)[0].second, std::optional<std::string>("sodr"));
    EXPECT_FALSE((*id.fields)[1].second);
    EXPECT_FALSE(args_of<IdArgs>("a ID nil").fields);
    EXPECT_TRUE(args_of<IdArgs>("a ID ()").fields->empty());
    EXPECT_EQ(args_of<QuotaRootArgs>("a GETQUOTA \"\"").root, "");
    auto sq = args_of<SetQuotaArgs>("a SETQUOTA \"\" (storage 512 MESSAGE 1000)");
    EXPECT_EQ(sq.limits, (std::vector<std::pair<std::string, std::uint64_t>>{{"STORAGE", 512},
                                                                             {"MESSAGE", 1000}}));
    EXPECT_TRUE(args_of<SetQuotaArgs>("a SETQUOTA x ()").limits.empty());
    EXPECT_EQ(args_of<MailboxArgs>("a GETQUOTAROOT INBOX").mailbox, "INBOX");
    EXPECT_EQ(args_of<CompressArgs>("a COMPRESS deflate").mechanism, "DEFLATE");
}

TEST(ParseCommand, SortAndThread) {
    auto s = args_of<SortArgs>("a SORT (SUBJECT REVERSE DATE displayfrom) utf-8 ALL");
    ASSERT_EQ(s.criteria.size(), 3u);
    EXPECT_FALSE(s.criteria[0].reverse);
    EXPECT_EQ(s.criteria[1].key, SortKeyName::date);
    EXPECT_TRUE(s.criteria[1].reverse);
    EXPECT_EQ(s.criteria[2].key, SortKeyName::display_from);
    EXPECT_EQ(s.charset, "UTF-8");
    EXPECT_EQ(s.key.type, SearchKeyType::all);
    auto e = args_of<SortArgs>("a SORT RETURN (MIN MAX) (DATE) UTF-8 ALL");
    EXPECT_EQ(e.returns,
              (std::optional<std::vector<SearchReturn>>{{SearchReturn::min, SearchReturn::max}}));
    auto t = args_of<ThreadArgs>("a THREAD references US-ASCII SINCE 5-MAR-2000 SEEN");
    EXPECT_EQ(t.algorithm, "REFERENCES");
    EXPECT_EQ(t.charset, "US-ASCII");
    EXPECT_EQ(t.key.type, SearchKeyType::and_);
    EXPECT_EQ(t.key.children[0].date, (Date{2000, 3, 5}));
}

TEST(ParseCommand, IdleDoneAndSaslResponses) {
    EXPECT_TRUE(is_idle_done("DONE"));
    EXPECT_TRUE(is_idle_done("done"));
    EXPECT_FALSE(is_idle_done("DONE "));
    EXPECT_FALSE(is_idle_done("a DONE"));
    EXPECT_EQ(*parse_sasl_response("AGFsaWNlAHNlY3JldA=="), std::string("\0alice\0secret", 13));
    EXPECT_EQ(*parse_sasl_response(""), "");
    auto cancel = parse_sasl_response("*");
    ASSERT_FALSE(cancel);
    EXPECT_EQ(cancel.error().code, Errc::denied);
    EXPECT_EQ(parse_sasl_response("a b").error().code, Errc::invalid);
}

struct Invalid {
    std::string text;
    bool tagged;  // whether tag_of() can read the tag for "<tag> BAD"
};

TEST(ParseCommand, InvalidCommandsAreRejectedWithAReason) {
    const std::vector<Invalid> cases = {
        {"", false},
        {" NOOP", false},
        {"+tag NOOP", false},
        {"a(b NOOP", false},
        {"a*b NOOP", false},
        {"tag", true},
        {"tag ", true},
        {"tag  NOOP", true},
        {"tag FROB", true},
        {"tag UID", true},
        {"tag UID NOOP", true},
        {"tag UID SELECT INBOX", true},
        {"tag NOOP\r\n", true},
        {"tag LOGIN alice", true},
        {"tag LOGIN alice secret extra", true},
        {"tag LOGIN alice  secret", true},
        {"tag LOGIN \"unterminated", true},
        {"tag LOGIN \"bad\\escape\" x", true},
        {"tag LOGIN {5}\r\nabc", true},
        {"tag LOGIN {3}x\r\nabc y", true},
        {std::string("tag LOGIN a {3}\r\na\0b", 20), true},
        {"tag LOGIN a ~{3}\r\nabc", true},
        {"tag AUTHENTICATE", true},
        {"tag AUTHENTICATE PLAIN !!!", true},
        {"tag AUTHENTICATE PLAIN abc", true},
        {"tag SELECT", true},
        {"tag SELECT INBOX ()", true},
        {"tag SELECT INBOX (FOO)", true},
        {"tag SELECT INBOX (QRESYNC (0 1))", true},
        {"tag SELECT INBOX (QRESYNC (1 2 3:4 5))", true},
        {"tag SELECT INBOX (QRESYNC (1 2) QRESYNC (1 2))", true},
        {"tag EXAMINE a b", true},
        {"tag CREATE", true},
        {"tag CREATE x (USE ())", true},
        {"tag CREATE x (FOO (\\Drafts))", true},
        {"tag RENAME a", true},
        {"tag LIST \"\"", true},
        {"tag LIST (FOO) \"\" %", true},
        {"tag LIST (RECURSIVEMATCH) \"\" %", true},
        {"tag LIST \"\" % RETURN (FOO)", true},
        {"tag LIST \"\" % EXTRA", true},
        {"tag LIST \"\" ()", true},
        {"tag LSUB \"\"", true},
        {"tag STATUS x", true},
        {"tag STATUS x ()", true},
        {"tag STATUS x (MESSAGES FOO)", true},
        {"tag APPEND x", true},
        {"tag APPEND x \"hello\"", true},
        {"tag APPEND x (\\Seen)", true},
        {"tag APPEND x \"31-Feb-2020 00:00:00 +0000\" {1+}\r\na", true},
        {"tag APPEND x {1+}\r\na extra", true},
        {"tag APPEND x UTF8 ({1+}\r\na)", true},
        {"tag EXPUNGE 1:2", true},
        {"tag UID EXPUNGE", true},
        {"tag SEARCH", true},
        {"tag SEARCH FOO", true},
        {"tag SEARCH ()", true},
        {"tag SEARCH (SEEN", true},
        {"tag SEARCH OR SEEN", true},
        {"tag SEARCH NOT", true},
        {"tag SEARCH SINCE 32-Jan-2020", true},
        {"tag SEARCH SINCE 1-Foo-2020", true},
        {"tag SEARCH LARGER x", true},
        {"tag SEARCH YOUNGER 0", true},
        {"tag SEARCH 0:5", true},
        {"tag SEARCH $,1", true},
        {"tag SEARCH RETURN (FOO) ALL", true},
        {"tag SEARCH CHARSET UTF-8", true},
        {"tag SEARCH MODSEQ \"/flags/\\\\seen\" other 5", true},
        {"tag SEARCH SEEN  FLAGGED", true},
        {"tag FETCH 1", true},
        {"tag FETCH 1 FOO", true},
        {"tag FETCH 1 ()", true},
        {"tag FETCH 1 (FLAGS", true},
        {"tag FETCH 1 BODY[", true},
        {"tag FETCH 1 BODY[FOO]", true},
        {"tag FETCH 1 BODY[1.]", true},
        {"tag FETCH 1 BODY[MIME]", true},
        {"tag FETCH 1 BODY[]<0.0>", true},
        {"tag FETCH 1 BODY[]<5>", true},
        {"tag FETCH 1 BINARY[1.TEXT]", true},
        {"tag FETCH 1 BINARY", true},
        {"tag FETCH 1 BODY[HEADER.FIELDS ()]", true},
        {"tag FETCH 1 FLAGS (VANISHED)", true},
        {"tag UID FETCH 1 FLAGS (VANISHED)", true},
        {"tag FETCH 1 FLAGS (FOO 1)", true},
        {"tag FETCH 4294967296 FLAGS", true},
        {"tag FETCH 1, FLAGS", true},
        {"tag STORE 1 FLAGS", true},
        {"tag STORE 1 FOO (\\Seen)", true},
        {"tag STORE 1 +FLAGS (\\Seen", true},
        {"tag STORE 1 (UNCHANGEDSINCE) FLAGS ()", true},
        {"tag COPY 1", true},
        {"tag MOVE 1:* ", true},
        {"tag ENABLE", true},
        {"tag ID", true},
        {"tag ID (\"name\")", true},
        {"tag ID (name \"x\")", true},
        {"tag SORT (FOO) UTF-8 ALL", true},
        {"tag SORT () UTF-8 ALL", true},
        {"tag SORT (DATE) UTF-8", true},
        {"tag THREAD REFERENCES UTF-8", true},
        {"tag GETQUOTA", true},
        {"tag SETQUOTA x (STORAGE)", true},
        {"tag COMPRESS", true},
        {"tag FETCH 1 RFC822.FOO", true},
    };
    for (const auto& c : cases) {
        auto r = parse_command(c.text);
        ASSERT_FALSE(r) << "accepted: " << c.text;
        EXPECT_EQ(r.error().code, Errc::invalid) << c.text;
        EXPECT_FALSE(r.error().message.empty()) << c.text;
        EXPECT_EQ(tag_of(c.text).has_value(), c.tagged) << c.text;
    }
}

TEST(ParseCommand, SearchNestingIsLimited) {
    std::string deep = "t SEARCH ";
    for (int i = 0; i < 40; ++i)
        deep += "NOT ";
    deep += "SEEN";
    EXPECT_FALSE(parse_command(deep));
    std::string parens = "t SEARCH " + std::string(40, '(') + "SEEN" + std::string(40, ')');
    EXPECT_FALSE(parse_command(parens));
    ParseOptions deeper;
    deeper.max_search_depth = 100;
    EXPECT_TRUE(parse_command(deep, deeper));
    EXPECT_TRUE(parse_command(parens, deeper));
    // A million parentheses must fail quickly, not overflow the stack.
    EXPECT_FALSE(parse_command("t SEARCH " + std::string(1000000, '(')));
}

}  // namespace
}  // namespace tern::imap

// SEARCH keys (every key of RFC 9051 6.4.4 and RFC 3501 6.4.4, MODSEQ,
// WITHIN, RETURN, CHARSET, "$") and FETCH items (every data item, macros,
// sections, partials, modifiers).
#include <gtest/gtest.h>

#include "imap/proto/command.hpp"

namespace tern::imap {
namespace {

using K = SearchKeyType;

SearchArgs search(std::string_view criteria) {
    const std::string text = "s SEARCH " + std::string(criteria);
    auto r = parse_command(text);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
    if (!r) return {};
    return std::get<SearchArgs>(r->args);
}

SearchKey key(std::string_view criteria) {
    return search(criteria).key;
}

TEST(SearchKeys, EveryKeyWithoutArguments) {
    const std::vector<std::pair<std::string, K>> cases = {
        {"ALL", K::all},
        {"ANSWERED", K::answered},
        {"DELETED", K::deleted},
        {"DRAFT", K::draft},
        {"FLAGGED", K::flagged},
        {"SEEN", K::seen},
        {"RECENT", K::recent},
        {"NEW", K::new_},
        {"OLD", K::old},
        {"UNANSWERED", K::unanswered},
        {"UNDELETED", K::undeleted},
        {"UNDRAFT", K::undraft},
        {"UNFLAGGED", K::unflagged},
        {"UNSEEN", K::unseen},
    };
    for (const auto& [word, type] : cases) {
        EXPECT_EQ(key(word).type, type) << word;
        std::string lower = word;
        for (char& c : lower)
            c = static_cast<char>(c | 0x20);
        EXPECT_EQ(key(lower).type, type) << lower;
        EXPECT_FALSE(parse_command("s SEARCH " + word + "X")) << word;
    }
}

TEST(SearchKeys, StringKeys) {
    const std::vector<std::pair<std::string, K>> cases = {
        {"BCC", K::bcc},         {"BODY", K::body}, {"CC", K::cc}, {"FROM", K::from},
        {"SUBJECT", K::subject}, {"TEXT", K::text}, {"TO", K::to},
    };
    for (const auto& [word, type] : cases) {
        auto k = key(word + " \"hello world\"");
        EXPECT_EQ(k.type, type);
        EXPECT_EQ(k.value, "hello world");
        EXPECT_EQ(key(word + " {5}\r\nhi yo").value, "hi yo");
        EXPECT_EQ(key(word + " atom").value, "atom");
        EXPECT_FALSE(parse_command("s SEARCH " + word)) << word;
    }
    auto h = key("HEADER \"Message-ID\" \"<abc@x>\"");
    EXPECT_EQ(h.type, K::header);
    EXPECT_EQ(h.field, "Message-ID");
    EXPECT_EQ(h.value, "<abc@x>");
    EXPECT_EQ(key("HEADER X-Spam \"\"").value, "");
    EXPECT_EQ(key("KEYWORD $Forwarded").value, "$Forwarded");
    EXPECT_EQ(key("UNKEYWORD $Junk").type, K::unkeyword);
    EXPECT_FALSE(parse_command("s SEARCH KEYWORD \"quoted\""));
}

TEST(SearchKeys, DateAndNumberKeys) {
    const std::vector<std::pair<std::string, K>> dates = {
        {"BEFORE", K::before},          {"ON", K::on},          {"SINCE", K::since},
        {"SENTBEFORE", K::sent_before}, {"SENTON", K::sent_on}, {"SENTSINCE", K::sent_since},
    };
    for (const auto& [word, type] : dates) {
        auto k = key(word + " 1-Feb-1994");
        EXPECT_EQ(k.type, type);
        EXPECT_EQ(k.date, (Date{1994, 2, 1}));
        EXPECT_EQ(key(word + " \"29-feb-2024\"").date, (Date{2024, 2, 29}));
        EXPECT_FALSE(parse_command("s SEARCH " + word + " 29-Feb-2023"));
        EXPECT_FALSE(parse_command("s SEARCH " + word + " 1-Feb-94"));
    }
    EXPECT_EQ(key("LARGER 1024").number, 1024u);
    EXPECT_EQ(key("SMALLER 0").type, K::smaller);
    EXPECT_EQ(key("SMALLER 9223372036854775807").number, 9223372036854775807ull);
    EXPECT_FALSE(parse_command("s SEARCH LARGER 9223372036854775808"));
    EXPECT_EQ(key("OLDER 3600").type, K::older);
    EXPECT_EQ(key("YOUNGER 60").number, 60u);
}

TEST(SearchKeys, SetsAndUids) {
    auto s = key("2:4,7");
    EXPECT_EQ(s.type, K::sequence_set);
    EXPECT_EQ(s.set.to_string(), "2:4,7");
    EXPECT_TRUE(key("$").set.saved);
    auto u = key("UID 1:*");
    EXPECT_EQ(u.type, K::uid);
    EXPECT_EQ(u.set.ranges[0].last, SequenceSet::kStar);
    EXPECT_TRUE(key("UID $").set.saved);
}

TEST(SearchKeys, BooleanStructure) {
    auto a = key("OR (SEEN FLAGGED) NOT (DELETED) LARGER 1024");
    ASSERT_EQ(a.type, K::and_);
    ASSERT_EQ(a.children.size(), 2u);
    const auto& o = a.children[0];
    ASSERT_EQ(o.type, K::or_);
    ASSERT_EQ(o.children.size(), 2u);
    EXPECT_EQ(o.children[0].type, K::and_);
    EXPECT_EQ(o.children[0].children.size(), 2u);
    EXPECT_EQ(o.children[1].type, K::not_);
    EXPECT_EQ(o.children[1].children[0].type, K::deleted);
    EXPECT_EQ(a.children[1].type, K::larger);
    auto n = key("NOT NOT SEEN");
    EXPECT_EQ(n.children[0].children[0].type, K::seen);
    auto p = key("((SEEN))");
    EXPECT_EQ(p.type, K::seen);
}

TEST(SearchKeys, Modseq) {
    auto a = key("MODSEQ 620162338");
    EXPECT_EQ(a.type, K::modseq);
    EXPECT_EQ(a.number, 620162338u);
    EXPECT_TRUE(a.field.empty());
    auto b = key("MODSEQ \"/flags/\\\\draft\" all 620162338");
    EXPECT_EQ(b.field, "/flags/\\draft");
    EXPECT_EQ(b.entry_type, "all");
    EXPECT_EQ(b.number, 620162338u);
    EXPECT_EQ(key("MODSEQ \"/flags/$x\" PRIV 1").entry_type, "priv");
}

TEST(SearchKeys, ReturnAndCharset) {
    auto a = search("RETURN (MIN MAX ALL COUNT SAVE) CHARSET utf-8 SEEN");
    ASSERT_TRUE(a.returns);
    EXPECT_EQ(*a.returns,
              (std::vector<SearchReturn>{SearchReturn::min, SearchReturn::max, SearchReturn::all,
                                         SearchReturn::count, SearchReturn::save}));
    EXPECT_EQ(a.charset, std::optional<std::string>("UTF-8"));
    auto b = search("RETURN () SEEN");
    ASSERT_TRUE(b.returns);
    EXPECT_TRUE(b.returns->empty());
    EXPECT_FALSE(search("SEEN").returns);
    EXPECT_FALSE(search("SEEN").charset);
}

FetchArgs fetch(std::string_view text) {
    auto r = parse_command(text);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
    if (!r) return {};
    return std::get<FetchArgs>(r->args);
}

std::vector<std::string> names(const FetchArgs& f) {
    std::vector<std::string> out;
    for (const auto& i : f.items)
        out.push_back(response_name(i));
    return out;
}

TEST(FetchItems, EverySimpleItem) {
    auto f = fetch(
        "f FETCH 1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT "
        "BODY BODYSTRUCTURE UID MODSEQ)");
    EXPECT_EQ(names(f), (std::vector<std::string>{"ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822",
                                                  "RFC822.HEADER", "RFC822.SIZE", "RFC822.TEXT",
                                                  "BODY", "BODYSTRUCTURE", "UID", "MODSEQ"}));
    EXPECT_FALSE(f.macro);
    EXPECT_EQ(names(fetch("f fetch 1 uid")), (std::vector<std::string>{"UID"}));
}

TEST(FetchItems, MacrosExpand) {
    auto all = fetch("f FETCH 1:* ALL");
    EXPECT_TRUE(all.macro);
    EXPECT_EQ(names(all),
              (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"}));
    EXPECT_EQ(names(fetch("f FETCH 1 fast")),
              (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE"}));
    EXPECT_EQ(
        names(fetch("f FETCH 1 FULL")),
        (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"}));
    EXPECT_FALSE(parse_command("f FETCH 1 (ALL)"));
}

TEST(FetchItems, SectionsAndPartials) {
    auto f = fetch(
        "f FETCH 1 (BODY[] BODY.PEEK[TEXT] BODY[1.2.3] BODY[2.HEADER] BODY[3.MIME]<10.20> "
        "BODY.PEEK[header.fields (Date from)] BODY[1.HEADER.FIELDS.NOT (X-A)]<0.1>)");
    EXPECT_EQ(names(f),
              (std::vector<std::string>{"BODY[]", "BODY[TEXT]", "BODY[1.2.3]", "BODY[2.HEADER]",
                                        "BODY[3.MIME]<10>", "BODY[HEADER.FIELDS (DATE FROM)]",
                                        "BODY[1.HEADER.FIELDS.NOT (X-A)]<0>"}));
    EXPECT_FALSE(f.items[0].peek);
    EXPECT_TRUE(f.items[1].peek);
    EXPECT_EQ(f.items[2].section.part, (std::vector<std::uint32_t>{1, 2, 3}));
    EXPECT_EQ(f.items[4].partial, (std::optional<Partial>{Partial{10, 20}}));
    EXPECT_EQ(f.items[5].section.text, SectionText::header_fields);
    EXPECT_EQ(f.items[6].section.text, SectionText::header_fields_not);
}

TEST(FetchItems, BinaryItems) {
    auto f = fetch("f FETCH 1 (BINARY[] BINARY.PEEK[1.2]<0.100> BINARY.SIZE[3])");
    EXPECT_EQ(names(f), (std::vector<std::string>{"BINARY[]", "BINARY[1.2]<0>", "BINARY.SIZE[3]"}));
    EXPECT_EQ(f.items[0].attr, FetchAttr::binary);
    EXPECT_TRUE(f.items[1].peek);
    EXPECT_EQ(f.items[2].attr, FetchAttr::binary_size);
    EXPECT_FALSE(parse_command("f FETCH 1 BINARY.SIZE[1]<0.5>"));
    EXPECT_FALSE(parse_command("f FETCH 1 BINARY[HEADER]"));
}

TEST(FetchItems, Modifiers) {
    auto a = fetch("f FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)");
    EXPECT_EQ(a.changed_since, std::optional<std::uint64_t>(12345));
    EXPECT_FALSE(a.vanished);
    auto b = fetch("f UID FETCH 1:* FLAGS (VANISHED CHANGEDSINCE 1)");
    EXPECT_TRUE(b.vanished);
    EXPECT_FALSE(parse_command("f FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"));
}

}  // namespace
}  // namespace tern::imap

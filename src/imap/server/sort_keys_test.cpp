// Unit tests: RFC 5256 2.1 base subjects (mime/base_subject.hpp), RFC 5051
// i;unicode-casemap, RFC 5322 3.3 sent dates and the SORT order (RFC 5256
// 3, RFC 5957).
#include "imap/server/sort_keys.hpp"

#include <gtest/gtest.h>

#include "mime/base_subject.hpp"

namespace tern::imap {
namespace {

struct SubjectCase {
    const char* subject;
    const char* base;
    bool reply_or_forward;
};

// One case per rule of RFC 5256 2.1, each citing its step.
TEST(BaseSubject, EveryStepOfRfc5256) {
    const SubjectCase cases[] = {
        {"Hello", "Hello", false},
        {"Re: Hello", "Hello", true},                          // step 3: subj-refwd
        {"RE: re: Fw: FWD: Hello", "Hello", true},             // step 3 repeated, any case
        {"Re[2]: Hello", "Hello", true},                       // subj-refwd with a blob
        {"re :Hello", "Hello", true},                          // *WSP before ":"
        {"Rex: Hello", "Rex: Hello", false},                   // not a subj-refwd
        {"[list] Hello", "Hello", false},                      // step 4: leading blob
        {"[only a blob]", "[only a blob]", false},             // step 4: not if nothing remains
        {"[a][b] Re: Hello", "Hello", true},                   // subj-leader: *subj-blob subj-refwd
        {"Re: [list] Re: Hello", "Hello", true},               // step 5: 3 and 4 repeated
        {"Hello (fwd)", "Hello", true},                        // step 2: subj-trailer
        {"Hello (FWD) (fwd)  ", "Hello", true},                // step 2 repeated
        {"[Fwd: Hello]", "Hello", true},                       // step 6
        {"Fwd: [fwd: Re: Hello] (fwd)", "Hello", true},        // step 6 then 2-5 again
        {"[fwd: [PATCH] Hello]", "Hello", true},               // blob inside the wrapper
        {"  a \t  b  ", "a b", false},                         // step 1: whitespace
        {"Re: long\r\n subject", "long subject", true},        // step 1: continuation
        {"=?UTF-8?Q?Re=3A_caf=C3=A9?=", "caf\xC3\xA9", true},  // step 1: RFC 2047
        {"=?ISO-8859-1?Q?R=E9sum=E9?= (fwd)", "R\xC3\xA9sum\xC3\xA9", true},
        {"Re:", "", true},
        {"(fwd)", "", true},
        {"", "", false},
    };
    for (const auto& c : cases) {
        const auto got = mime::base_subject(c.subject);
        EXPECT_EQ(got.text, c.base) << c.subject;
        EXPECT_EQ(got.reply_or_forward, c.reply_or_forward) << c.subject;
    }
}

TEST(UnicodeCasemap, TitlecaseThenNfkd) {
    EXPECT_EQ(unicode_casemap("hello World"), "HELLO WORLD");
    // RFC 5051 2: titlecase, not uppercase: U+01C6 and U+01C4 both map to
    // U+01C5, whose NFKD is "D" "z" U+030C.
    EXPECT_EQ(unicode_casemap("\xC7\x86"), "Dz\xCC\x8C");
    EXPECT_EQ(unicode_casemap("\xC7\x84"), "Dz\xCC\x8C");
    // Precomposed and decomposed accents compare equal; case is ignored.
    EXPECT_EQ(unicode_casemap("caf\xC3\xA9"), unicode_casemap("CAFE\xCC\x81"));
    EXPECT_EQ(unicode_casemap("\xC3\xA9"), "E\xCC\x81");
    // Invalid UTF-8 never throws; the bad octet becomes U+FFFD.
    EXPECT_EQ(unicode_casemap("a\xFF"), "A\xEF\xBF\xBD");
}

TEST(SentDate, Rfc5322WithZonesAndObsoleteForms) {
    // 1994-02-08 05:52:25 UTC.
    EXPECT_EQ(parse_sent_date("Mon, 7 Feb 1994 21:52:25 -0800 (PST)"), 760686745);
    EXPECT_EQ(parse_sent_date("8 Feb 1994 05:52:25 +0000"), 760686745);
    EXPECT_EQ(parse_sent_date(" Tue,  8 Feb 1994 06:52:25 +0100"), 760686745);
    // RFC 5322 4.3: two-digit year, named zone, no seconds.
    EXPECT_EQ(parse_sent_date("7 Feb 94 21:52 EST"), 760675920);
    // Military zones and missing zones count as UTC.
    EXPECT_EQ(parse_sent_date("8 Feb 1994 05:52:25 Z"), 760686745);
    EXPECT_EQ(parse_sent_date("8 Feb 1994 05:52:25"), 760686745);
    EXPECT_FALSE(parse_sent_date("garbage"));
    EXPECT_FALSE(parse_sent_date("32 Feb 1994 05:52:25 +0000"));
    EXPECT_FALSE(parse_sent_date("8 Foo 1994 05:52:25 +0000"));
    EXPECT_FALSE(parse_sent_date("8 Feb 1994 25:52:25 +0000"));
    EXPECT_FALSE(parse_sent_date("8 Feb 1994"));
    EXPECT_FALSE(parse_sent_date(""));
}

store::Message meta(std::int64_t date, std::uint64_t size) {
    store::Message m;
    m.internal_date = date;
    m.size = size;
    return m;
}

TEST(SortFacts, KeysFromTheHeader) {
    const std::string raw =
        "From: \"Zed\" <alice@example.test>, bob@example.test\r\n"
        "To: undisclosed:;, Carol <carol@example.test>\r\n"
        "Subject: Re: [list] Caf=?UTF-8?Q?=C3=A9?=\r\n"
        "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
        "\r\nbody\r\n";
    const SortFacts f = sort_facts(3, meta(5, 99), raw);
    EXPECT_EQ(f.seq, 3u);
    EXPECT_EQ(f.arrival, 5);
    EXPECT_EQ(f.size, 99u);
    EXPECT_EQ(f.sent, 760686745);
    EXPECT_EQ(f.subject, "CAFE\xCC\x81");
    EXPECT_TRUE(f.reply_or_forward);
    EXPECT_EQ(f.from, "ALICE");        // addr-mailbox of the first address
    EXPECT_EQ(f.display_from, "ZED");  // RFC 5957: the display name
    EXPECT_EQ(f.to, "CAROL");          // the group marker is no address
    EXPECT_EQ(f.cc, "");               // missing: the empty string

    const SortFacts bare = sort_facts(1, meta(42, 1), "To: dave@example.test\r\n\r\n");
    EXPECT_EQ(bare.sent, 42);                         // RFC 5256 2.2: no Date, the internal date
    EXPECT_EQ(bare.display_to, "DAVE@EXAMPLE.TEST");  // no display name: the address
    EXPECT_EQ(bare.subject, "");
}

SortFacts facts(std::uint32_t seq, std::uint64_t size, std::string subject, std::int64_t sent) {
    SortFacts f;
    f.seq = seq;
    f.size = size;
    f.subject = std::move(subject);
    f.sent = sent;
    f.arrival = 100 - seq;
    return f;
}

std::vector<std::uint32_t> seqs(const std::vector<SortFacts>& all,
                                const std::vector<SortCriterion>& criteria) {
    std::vector<std::uint32_t> out;
    for (auto i : sort_order(all, criteria))
        out.push_back(all[i].seq);
    return out;
}

TEST(SortOrder, CriteriaReverseAndTies) {
    const std::vector<SortFacts> all = {facts(1, 30, "B", 10), facts(2, 10, "A", 20),
                                        facts(3, 30, "A", 20), facts(4, 20, "B", 5)};
    using K = SortKeyName;
    EXPECT_EQ(seqs(all, {{false, K::size}}), (std::vector<std::uint32_t>{2, 4, 1, 3}));
    // REVERSE flips one key; ties stay in sequence order (RFC 5256 3).
    EXPECT_EQ(seqs(all, {{true, K::size}}), (std::vector<std::uint32_t>{1, 3, 4, 2}));
    EXPECT_EQ(seqs(all, {{false, K::subject}, {true, K::date}}),
              (std::vector<std::uint32_t>{2, 3, 1, 4}));
    EXPECT_EQ(seqs(all, {{false, K::arrival}}), (std::vector<std::uint32_t>{4, 3, 2, 1}));
    EXPECT_EQ(seqs(all, {{false, K::cc}}), (std::vector<std::uint32_t>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace tern::imap

// The response writer: quoting choices, NIL, literals, mailbox encoding,
// and the shape of each kind of line.
#include "imap/proto/writer.hpp"

#include <gtest/gtest.h>

namespace tern::imap {
namespace {

std::string astring(std::string_view v, bool utf8 = false) {
    std::string out;
    append_astring(out, v, utf8);
    return out;
}

std::string str(std::string_view v, bool utf8 = false) {
    std::string out;
    append_string(out, v, utf8);
    return out;
}

std::string mailbox(std::string_view v, bool utf8 = false) {
    std::string out;
    append_mailbox(out, v, utf8);
    return out;
}

TEST(Writer, AstringPicksAtomQuotedOrLiteral) {
    EXPECT_EQ(astring("INBOX"), "INBOX");
    EXPECT_EQ(astring("a]b"), "a]b");  // "]" is an ASTRING-CHAR
    EXPECT_EQ(astring(""), "\"\"");
    EXPECT_EQ(astring("NIL"), "\"NIL\"");
    EXPECT_EQ(astring("nil"), "\"nil\"");
    EXPECT_EQ(astring("two words"), "\"two words\"");
    EXPECT_EQ(astring("a(b"), "\"a(b\"");
    EXPECT_EQ(astring("50%"), "\"50%\"");
    EXPECT_EQ(astring("say \"hi\" \\o/"), "\"say \\\"hi\\\" \\\\o/\"");
    EXPECT_EQ(astring("line\r\nbreak"), "{11}\r\nline\r\nbreak");
    EXPECT_EQ(astring("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
    EXPECT_EQ(astring("caf\xc3\xa9", true), "\"caf\xc3\xa9\"");
    EXPECT_EQ(astring("bad\xc3", true), "{4}\r\nbad\xc3");
}

TEST(Writer, StringsAndNstrings) {
    EXPECT_EQ(str("atom"), "\"atom\"");
    EXPECT_EQ(str("{5}"), "\"{5}\"");
    EXPECT_EQ(str("a\nb"), "{3}\r\na\nb");
    std::string out;
    append_nstring(out, std::nullopt);
    out += ' ';
    append_nstring(out, std::string("NIL"));
    out += ' ';
    append_nstring(out, std::string(""));
    EXPECT_EQ(out, "NIL \"NIL\" \"\"");
    out.clear();
    append_binary(out, std::string("a\0b", 3));
    EXPECT_EQ(out, std::string("~{3}\r\na\0b", 9));
    out.clear();
    append_binary(out, "plain");
    EXPECT_EQ(out, "\"plain\"");
}

TEST(Writer, MailboxNames) {
    EXPECT_EQ(mailbox("inbox"), "INBOX");
    EXPECT_EQ(mailbox("Sent"), "Sent");
    EXPECT_EQ(mailbox("Sent Items"), "\"Sent Items\"");
    EXPECT_EQ(mailbox("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
              "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    EXPECT_EQ(mailbox("Tom & Jerry"), "\"Tom &- Jerry\"");
    EXPECT_EQ(mailbox("caf\xc3\xa9", true), "\"caf\xc3\xa9\"");
    EXPECT_EQ(mailbox("caf\xc3\xa9"), "caf&AOk-");
    EXPECT_EQ(mailbox("bad\xff"), "{4}\r\nbad\xff");
}

TEST(Writer, FlagLists) {
    std::string out;
    append_flag_list(out, {});
    out += ' ';
    append_flag_list(out, {"\\Seen", "$Forwarded"});
    EXPECT_EQ(out, "() (\\Seen $Forwarded)");
}

TEST(Writer, Lines) {
    EXPECT_EQ(tagged("a1", Condition::ok, "LOGIN completed"), "a1 OK LOGIN completed\r\n");
    EXPECT_EQ(tagged("a2", Condition::no, "Too big", ResponseCode{"TOOBIG", ""}),
              "a2 NO [TOOBIG] Too big\r\n");
    EXPECT_EQ(tagged("a3", Condition::bad, "bad\r\n* OK forged"), "a3 BAD bad  * OK forged\r\n");
    EXPECT_EQ(
        untagged_status(Condition::ok, "UIDs valid", ResponseCode{"UIDVALIDITY", "3857529045"}),
        "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
    EXPECT_EQ(untagged_status(Condition::bye, "Logging out"), "* BYE Logging out\r\n");
    EXPECT_EQ(untagged_status(Condition::preauth, ""), "* PREAUTH Done\r\n");
    EXPECT_EQ(untagged("172 EXISTS"), "* 172 EXISTS\r\n");
    EXPECT_EQ(continuation("Ready for literal data"), "+ Ready for literal data\r\n");
    EXPECT_EQ(continuation(""), "+ \r\n");  // an empty SASL challenge
    EXPECT_EQ(continuation("VGVzdA=="), "+ VGVzdA==\r\n");
    EXPECT_EQ(untagged_status(Condition::ok, "Limited",
                              ResponseCode{"PERMANENTFLAGS", "(\\Deleted \\Seen \\*)"}),
              "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
}

TEST(Writer, ReadErrorReplies) {
    EXPECT_EQ(
        read_error_reply({ReadErrorKind::line_too_long, "a1", "Command line too long", false}),
        "a1 BAD Command line too long\r\n");
    EXPECT_EQ(read_error_reply({ReadErrorKind::line_too_long, std::nullopt, "Too long", false}),
              "* BAD Too long\r\n");
    EXPECT_EQ(read_error_reply({ReadErrorKind::literal_too_big, "a2", "Literal too big", false}),
              "a2 NO [TOOBIG] Literal too big\r\n");
    EXPECT_EQ(read_error_reply({ReadErrorKind::nonsync_too_big, "a3", "Over 4096", false}),
              "a3 BAD [TOOBIG] Over 4096\r\n");
    EXPECT_EQ(read_error_reply({ReadErrorKind::literal_too_big, "a4", "Literal too big", true}),
              "a4 NO [TOOBIG] Literal too big\r\n* BYE Too much data, closing\r\n");
}

// The reader's errors, end to end: what a session would send.
TEST(Writer, ReaderErrorsBecomeProtocolReplies) {
    ReaderLimits limits;
    limits.max_literal_size = 4;
    CommandReader reader(limits);
    reader.feed("x1 APPEND INBOX {5}\r\n");
    auto item = reader.next();
    ASSERT_TRUE(item);
    EXPECT_EQ(read_error_reply(std::get<ReadError>(*item)), "x1 NO [TOOBIG] Literal too big\r\n");
}

}  // namespace
}  // namespace tern::imap

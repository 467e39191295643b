// The reply builder: exact lines for each response code, and text that can
// never break the line structure.
#include <gtest/gtest.h>

#include "pop3/proto/reply.hpp"

namespace tern::pop3 {
namespace {

TEST(Pop3Reply, StatusLines) {
    struct Case {
        std::string got;
        std::string want;
    };
    const std::vector<Case> cases = {
        {ok("2 messages"), "+OK 2 messages\r\n"},
        {ok(""), "+OK\r\n"},
        {err("no such message"), "-ERR no such message\r\n"},
        {err(RespCode::in_use, "maildrop already locked"),
         "-ERR [IN-USE] maildrop already locked\r\n"},
        {err(RespCode::login_delay, "wait"), "-ERR [LOGIN-DELAY] wait\r\n"},
        {err(RespCode::sys_temp, "try later"), "-ERR [SYS/TEMP] try later\r\n"},
        {err(RespCode::sys_perm, "broken"), "-ERR [SYS/PERM] broken\r\n"},
        {err(RespCode::auth, "authentication failed"), "-ERR [AUTH] authentication failed\r\n"},
        {err("", RespCode::auth), "-ERR [AUTH]\r\n"},
        {continuation("VXNlcm5hbWU6"), "+ VXNlcm5hbWU6\r\n"},
        {continuation(""), "+ \r\n"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(c.got, c.want);
}

TEST(Pop3Reply, ControlCharactersCannotEndTheLine) {
    EXPECT_EQ(ok("a\r\n+OK forged"), "+OK a  +OK forged\r\n");
    EXPECT_EQ(err(std::string("x\0y\x7fz", 5)), "-ERR x y z\r\n");
}

TEST(Pop3Reply, LongTextIsCutTo512Octets) {
    const std::string long_text(2000, 'a');
    for (const std::string& line :
         {ok(long_text), err(RespCode::sys_temp, long_text), continuation(long_text)}) {
        EXPECT_EQ(line.size(), kMaxReplyLine);
        EXPECT_EQ(line.substr(line.size() - 2), "\r\n");
        EXPECT_EQ(line.find('\n'), line.size() - 1);
    }
}

TEST(Pop3Reply, CodeNames) {
    EXPECT_EQ(to_string(RespCode::none), "");
    EXPECT_EQ(to_string(RespCode::in_use), "IN-USE");
    EXPECT_EQ(to_string(RespCode::sys_perm), "SYS/PERM");
}

}  // namespace
}  // namespace tern::pop3

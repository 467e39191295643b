// Test-only: the table of valid command lines shared by command_test.cpp
// (each must parse) and prefix_test.cpp (each prefix must not crash).
#pragma once

#include <string>
#include <vector>

#include "smtp/proto/command.hpp"

namespace tern::smtp::test {

struct ValidLine {
    std::string line;
    Verb verb;
};

inline const std::vector<ValidLine>& valid_lines() {
    static const std::vector<ValidLine> lines = {
        {"EHLO mail.example.com", Verb::ehlo},
        {"ehlo [192.0.2.1]", Verb::ehlo},
        {"EHLO [IPv6:2001:db8::1]", Verb::ehlo},
        {"HELO relay.example.org", Verb::helo},
        {"HELO my_pc.local", Verb::helo},
        {"MAIL FROM:<alice@example.com>", Verb::mail},
        {"mail from:<>", Verb::mail},
        {"MAIL FROM: <alice@example.com>", Verb::mail},
        {"MAIL FROM:<alice@example.com> SIZE=1000 BODY=8BITMIME", Verb::mail},
        {"MAIL FROM:<\"john doe\"@example.com>", Verb::mail},
        {"MAIL FROM:<@relay.example,@hop.example:bob@example.com>", Verb::mail},
        {"MAIL FROM:<bob@[192.0.2.7]> RET=HDRS ENVID=QQ314159+2B1", Verb::mail},
        {"MAIL FROM:<pelé@example.com> SMTPUTF8", Verb::mail},
        {"MAIL FROM:<a@b.example> AUTH=<> REQUIRETLS BODY=BINARYMIME", Verb::mail},
        {"MAIL FROM:<a@b.example> AUTH=e+3Dmc2@example.com", Verb::mail},
        {"RCPT TO:<bob@example.com>", Verb::rcpt},
        {"RCPT TO:<Postmaster>", Verb::rcpt},
        {"rcpt to:<postmaster@example.com>", Verb::rcpt},
        {"RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+40example.com",
         Verb::rcpt},
        {"RCPT TO:<bob@example.com> NOTIFY=NEVER", Verb::rcpt},
        {"RCPT TO:<@a.example:bob@example.com>", Verb::rcpt},
        {"RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>", Verb::rcpt},
        {"DATA", Verb::data},
        {"BDAT 1000", Verb::bdat},
        {"BDAT 0 LAST", Verb::bdat},
        {"RSET", Verb::rset},
        {"NOOP", Verb::noop},
        {"NOOP anything at all", Verb::noop},
        {"QUIT", Verb::quit},
        {"VRFY bob", Verb::vrfy},
        {"EXPN staff", Verb::expn},
        {"HELP", Verb::help},
        {"HELP MAIL", Verb::help},
        {"STARTTLS", Verb::starttls},
        {"AUTH PLAIN", Verb::auth},
        {"AUTH plain AGFsaWNlAHNlY3JldA==", Verb::auth},
        {"AUTH EXTERNAL =", Verb::auth},
    };
    return lines;
}

}  // namespace tern::smtp::test

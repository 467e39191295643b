// The RFC5322.From domain DMARC evaluates (RFC 7489 6.6.1).
#include "mailauth/dmarc/from_domain.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dmarc {
namespace {

TEST(DmarcFromDomain, SingleAuthor) {
    EXPECT_EQ(*from_domain("From: alice@Example.COM\r\nTo: b@x.test\r\n\r\nbody\r\n"),
              "example.com");
    EXPECT_EQ(*from_domain("Subject: hi\r\nfrom: \"Alice, A.\" <alice@mail.example.org>\r\n\r\n"),
              "mail.example.org");
    // Folded, with a comment, bare LF line endings.
    EXPECT_EQ(*from_domain("From: (the author)\n Alice\n <alice@example.net>\n\nFrom: x@y.test\n"),
              "example.net");
    // Header only, no body.
    EXPECT_EQ(*from_domain("From: a@example.com"), "example.com");
    // A group with one member.
    EXPECT_EQ(*from_domain("From: team: a@example.com;\r\n\r\n"), "example.com");
    // Unicode domain (RFC 6532) comes back as A-labels.
    EXPECT_EQ(*from_domain("From: a@b\xc3\xbc"
                           "cher.example\r\n\r\n"),
              "xn--bcher-kva.example");
}

TEST(DmarcFromDomain, RefusesAmbiguousOrMissingAuthors) {
    for (const char* message : {
             "To: b@example.com\r\n\r\nFrom: in@body.test\r\n",     // none (body ignored)
             "From: a@example.com\r\nFrom: b@example.org\r\n\r\n",  // two fields
             "From: a@example.com, b@example.org\r\n\r\n",          // two authors
             "From: a@example.com, a@example.com\r\n\r\n",          // even the same one
             "From: undisclosed:;\r\n\r\n",                         // an empty group
             "From: alice\r\n\r\n",                                 // no domain
             "From: <>\r\n\r\n",
             "From: a@[192.0.2.1]\r\n\r\n",  // address literal
             "From: a@exa!mple.com\r\n\r\n",
             "",
         }) {
        auto r = from_domain(message);
        ASSERT_FALSE(r.ok()) << message;
        EXPECT_EQ(r.error().code, Errc::invalid);
    }
}

}  // namespace
}  // namespace tern::mailauth::dmarc

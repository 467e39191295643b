// Canonicalization (RFC 6376 3.4) with the worked examples of 3.4.5, message
// splitting, and h= header selection (5.4.2).
#include "mailauth/dkim/canonical.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dkim {
namespace {

// RFC 6376 3.4.5, the example message.
const std::string kExample =
    "A: X\r\n"
    "B : Y\t\r\n"
    "\tZ  \r\n"
    "\r\n"
    " C \r\n"
    "D \t E\r\n"
    "\r\n"
    "\r\n";

std::string canon_headers(const Message& m, Canon c) {
    std::string out;
    for (const auto& f : m.headers)
        out += canonicalize_header(f, c);
    return out;
}

TEST(DkimCanonical, Rfc6376Section345Relaxed) {
    const Message m = split_message(kExample);
    EXPECT_EQ(canon_headers(m, Canon::relaxed), "a:X\r\nb:Y Z\r\n");
    EXPECT_EQ(canonicalize_body(m.body, Canon::relaxed), " C\r\nD E\r\n");
}

TEST(DkimCanonical, Rfc6376Section345Simple) {
    const Message m = split_message(kExample);
    EXPECT_EQ(canon_headers(m, Canon::simple), "A: X\r\nB : Y\t\r\n\tZ  \r\n");
    EXPECT_EQ(canonicalize_body(m.body, Canon::simple), " C \r\nD \t E\r\n");
}

TEST(DkimCanonical, EmptyBodies) {
    // RFC 6376 3.4.3: an empty body is one CRLF in simple; 3.4.4: empty in relaxed.
    EXPECT_EQ(canonicalize_body("", Canon::simple), "\r\n");
    EXPECT_EQ(canonicalize_body("\r\n\r\n", Canon::simple), "\r\n");
    EXPECT_EQ(canonicalize_body("", Canon::relaxed), "");
    EXPECT_EQ(canonicalize_body(" \t\r\n\r\n", Canon::relaxed), "");
}

TEST(DkimCanonical, MissingFinalCrlfIsAdded) {
    EXPECT_EQ(canonicalize_body("abc", Canon::simple), "abc\r\n");
    EXPECT_EQ(canonicalize_body("abc  ", Canon::relaxed), "abc\r\n");
}

TEST(DkimCanonical, BareLfIsReadAsCrlf) {
    const Message m = split_message("A: 1\nB: 2\n x\n\nbody\n");
    ASSERT_EQ(m.headers.size(), 2u);
    EXPECT_EQ(m.headers[1].raw, "B: 2\r\n x\r\n");
    EXPECT_EQ(m.body, "body\r\n");
}

TEST(DkimCanonical, MessageWithoutBodyOrColon) {
    const Message m = split_message("A: 1\r\nnocolon\r\nB: 2");
    ASSERT_EQ(m.headers.size(), 3u);
    EXPECT_EQ(m.headers[1].name, "");
    EXPECT_EQ(m.headers[2].raw, "B: 2\r\n");
    EXPECT_EQ(m.body, "");
}

TEST(DkimCanonical, SelectionTakesInstancesFromTheBottom) {
    const Message m = split_message("X: 1\r\nY: a\r\nx: 2\r\n\r\n");
    auto sel = select_headers(m, {"X", "x", "X", "Y", "Z"});
    // RFC 6376 5.4.2: last instance first; the third X and Z sign nothing.
    ASSERT_EQ(sel.size(), 3u);
    EXPECT_EQ(sel[0]->raw, "x: 2\r\n");
    EXPECT_EQ(sel[1]->raw, "X: 1\r\n");
    EXPECT_EQ(sel[2]->raw, "Y: a\r\n");
}

}  // namespace
}  // namespace tern::mailauth::dkim

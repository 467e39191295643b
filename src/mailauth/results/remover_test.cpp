// Removing Authentication-Results fields forged in our name (RFC 8601 5).
#include "mailauth/results/remover.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::results {
namespace {

TEST(AuthResultsRemover, RemovesOursKeepsOthers) {
    const std::string message =
        "Received: from a by b\r\n"
        "Authentication-Results: mx.tern.test; dkim=pass\r\n"
        "Authentication-Results: mx.other.test; spf=pass smtp.mailfrom=a@b.test\r\n"
        "Subject: hi\r\n"
        "\r\n"
        "Authentication-Results: mx.tern.test; dkim=pass\r\n";
    const Removal r = remove_own_results(message, "mx.tern.test");
    EXPECT_EQ(r.removed, 1u);
    EXPECT_EQ(r.message,
              "Received: from a by b\r\n"
              "Authentication-Results: mx.other.test; spf=pass smtp.mailfrom=a@b.test\r\n"
              "Subject: hi\r\n"
              "\r\n"
              "Authentication-Results: mx.tern.test; dkim=pass\r\n");  // the body is untouched
}

TEST(AuthResultsRemover, FoldedCommentedQuotedAndCaseVariants) {
    const std::string message =
        "authentication-results:\r\n"
        "\tMX.Tern.Test;\r\n"
        "\tdkim=pass header.d=example.com\r\n"
        "X-A: 1\r\n"
        "Authentication-Results : (forged (nested)) mx.tern.test 1; spf=pass\r\n"
        "X-B: 2\r\n"
        "AUTHENTICATION-RESULTS: \"mx.tern.test\"; dmarc=pass\r\n"
        "Authentication-Results: mx.tern.test.evil; dkim=pass\r\n"
        "Authentication-Results: mx.tern.test;dkim=pass\r\n"
        "X-Authentication-Results: mx.tern.test; dkim=pass\r\n"
        "\r\n"
        "body\r\n";
    const Removal r = remove_own_results(message, "mx.tern.test");
    EXPECT_EQ(r.removed, 4u);
    EXPECT_EQ(r.message,
              "X-A: 1\r\n"
              "X-B: 2\r\n"
              "Authentication-Results: mx.tern.test.evil; dkim=pass\r\n"
              "X-Authentication-Results: mx.tern.test; dkim=pass\r\n"
              "\r\n"
              "body\r\n");
}

TEST(AuthResultsRemover, BareLfAndFieldsAtTheEdges) {
    const std::string message =
        "Authentication-Results: mx.tern.test; none\n"
        "Subject: x\n"
        "Authentication-Results: mx.tern.test; spf=pass\n"
        " (folded)\n"
        "\n"
        "b\n";
    const Removal r = remove_own_results(message, "mx.tern.test");
    EXPECT_EQ(r.removed, 2u);
    EXPECT_EQ(r.message, "Subject: x\n\nb\n");
    // The last header line without any line ending, and no body.
    const Removal tail =
        remove_own_results("Subject: x\r\nAuthentication-Results: mx.tern.test", "mx.tern.test");
    EXPECT_EQ(tail.removed, 1u);
    EXPECT_EQ(tail.message, "Subject: x\r\n");
}

TEST(AuthResultsRemover, NothingToRemoveIsByteIdentical) {
    const std::string message =
        "From: a@example.com\r\n"
        "Authentication-Results: mx.other.test;\r\n dkim=pass\r\n"
        "Authentication-Results: ; dkim=pass\r\n"                      // no id: kept
        "Authentication-Results: (unterminated mx.tern.test; x=y\r\n"  // unreadable: kept
        "Authentication-Results: \"mx.tern.test; dkim=pass\r\n"        // open quote: kept
        "Authentication-Results: mx.tern.test/x; dkim=pass\r\n"        // not an id: kept
        "\r\n" +
        std::string("\0\xff binary body", 14);
    const Removal r = remove_own_results(message, "mx.tern.test");
    EXPECT_EQ(r.removed, 0u);
    EXPECT_EQ(r.message, message);
    EXPECT_EQ(remove_own_results("", "mx.tern.test").message, "");
}

TEST(AuthResultsRemover, AuthservIdReader) {
    EXPECT_EQ(authserv_id_of(" mx.example.org; spf=pass"), "mx.example.org");
    EXPECT_EQ(authserv_id_of(" mx.example.org 1; spf=pass"), "mx.example.org");
    EXPECT_EQ(authserv_id_of("\r\n\t(c) \"quoted id\" ; none"), "quoted id");
    EXPECT_EQ(authserv_id_of(" a\\b; none"), std::nullopt);
    EXPECT_EQ(authserv_id_of(" ; none"), std::nullopt);
    EXPECT_EQ(authserv_id_of(""), std::nullopt);
    EXPECT_EQ(authserv_id_of(" (a (b) c"), std::nullopt);
}

TEST(AuthResultsRemover, ManyFieldsAllChecked) {
    std::string message;
    for (int i = 0; i < 12000; ++i)
        message += "X-Filler: " + std::to_string(i) + "\r\n";
    message += "Authentication-Results: mx.tern.test; dkim=pass\r\n\r\n";
    const Removal r = remove_own_results(message, "mx.tern.test");
    EXPECT_EQ(r.removed, 1u);
    EXPECT_EQ(r.message.find("Authentication-Results"), std::string::npos);
}

}  // namespace
}  // namespace tern::mailauth::results

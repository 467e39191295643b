// Tests for the address and domain syntax checks of the admin commands.
#include "cli/address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern::cli {
namespace {

TEST(CliAddress, Domains) {
    EXPECT_TRUE(valid_domain("example.org"));
    EXPECT_TRUE(valid_domain("mail-1.example.co.uk"));
    EXPECT_TRUE(valid_domain("localhost"));
    EXPECT_TRUE(
        valid_domain("b\xc3\xbc"
                     "cher.de"));  // U-label (RFC 6531)
    EXPECT_FALSE(valid_domain("example"));
    EXPECT_FALSE(valid_domain(""));
    EXPECT_FALSE(valid_domain(".example.org"));
    EXPECT_FALSE(valid_domain("example..org"));
    EXPECT_FALSE(valid_domain("example.org."));
    EXPECT_FALSE(valid_domain("-bad.org"));
    EXPECT_FALSE(valid_domain("bad-.org"));
    EXPECT_FALSE(valid_domain("exa mple.org"));
    EXPECT_FALSE(valid_domain("ex_ample.org"));
    EXPECT_FALSE(valid_domain(std::string(64, 'a') + ".org"));  // RFC 1035 2.3.4: 63 per label
    EXPECT_TRUE(valid_domain(std::string(63, 'a') + ".org"));
}

TEST(CliAddress, Addresses) {
    EXPECT_TRUE(valid_address("alice@example.org"));
    EXPECT_TRUE(valid_address("first.last+tag@example.org"));
    EXPECT_TRUE(valid_address("root@localhost"));
    EXPECT_FALSE(valid_address("alice"));
    EXPECT_FALSE(valid_address("@example.org"));
    EXPECT_FALSE(valid_address("alice@"));
    EXPECT_FALSE(valid_address("alice@example"));
    EXPECT_FALSE(valid_address(".alice@example.org"));
    EXPECT_FALSE(valid_address("alice.@example.org"));
    EXPECT_FALSE(valid_address("al..ice@example.org"));
    EXPECT_FALSE(valid_address("al ice@example.org"));
    EXPECT_FALSE(valid_address("a@b@example.org"));
    // RFC 5321 4.5.3.1.1: 64 octets of local part at most.
    EXPECT_TRUE(valid_address(std::string(64, 'a') + "@example.org"));
    EXPECT_FALSE(valid_address(std::string(65, 'a') + "@example.org"));
}

TEST(CliAddress, AliasSources) {
    EXPECT_TRUE(valid_alias_source("info@example.org"));
    EXPECT_TRUE(valid_alias_source("@example.org"));
    EXPECT_FALSE(valid_alias_source("@"));
    EXPECT_FALSE(valid_alias_source("info"));
    EXPECT_EQ(domain_of("a@example.org"), "example.org");
    EXPECT_EQ(domain_of("@example.org"), "example.org");
}

}  // namespace
}  // namespace tern::cli

// Identifier alignment (RFC 7489 3.1): the strict/relaxed matrix.
#include "mailauth/dmarc/alignment.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dmarc {
namespace {

const PublicSuffixList& psl() {
    static const PublicSuffixList list = PublicSuffixList::parse("com\nuk\nco.uk\n*.ck\n!www.ck\n");
    return list;
}

struct Case {
    const char* authenticated;
    const char* from;
    bool relaxed;
    bool strict;
};

TEST(DmarcAlignment, Matrix) {
    const Case cases[] = {
        {"example.com", "example.com", true, true},
        {"EXAMPLE.com.", "example.COM", true, true},
        {"mail.example.com", "example.com", true, false},  // RFC 7489 3.1.1 example
        {"example.com", "news.example.com", true, false},
        {"a.example.com", "b.example.com", true, false},
        {"example.net", "example.com", false, false},
        {"example.com.evil.com", "example.com", false, false},
        {"a.example.co.uk", "b.example.co.uk", true, false},
        {"example.co.uk", "other.co.uk", false, false},
        {"co.uk", "example.co.uk", false, false},
        {"a.shop.ck", "b.shop.ck", false, false},  // *.ck: shop.ck is a suffix
        {"x.a.shop.ck", "y.a.shop.ck", true, false},
        {"mail.www.ck", "www.ck", true, false},  // !www.ck
        {"", "example.com", false, false},
        {"example.com", "", false, false},
        {"[192.0.2.1]", "example.com", false, false},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(aligned(c.authenticated, c.from, AlignMode::relaxed, psl()), c.relaxed)
            << c.authenticated << " vs " << c.from << " relaxed";
        EXPECT_EQ(aligned(c.authenticated, c.from, AlignMode::strict, psl()), c.strict)
            << c.authenticated << " vs " << c.from << " strict";
    }
}

TEST(DmarcAlignment, UnicodeAndALabelFormsAlign) {
    EXPECT_TRUE(aligned("xn--bcher-kva.example",
                        "b\xc3\xbc"
                        "cher.example",
                        AlignMode::strict, psl()));
}

}  // namespace
}  // namespace tern::mailauth::dmarc

// Conformance: DMARC aggregate report rows (store.hpp DmarcStore).
#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

DmarcReportRow row(int64_t day, std::string domain, std::string key, uint64_t count,
                   std::string rua = "mailto:rua@example.org") {
    return DmarcReportRow{day,   std::move(domain), std::move(key),
                          count, "p=reject",        std::move(rua)};
}

}  // namespace

TEST_P(StoreConformance, DmarcRowsAddCountsPerDayDomainAndKey) {
    const int64_t day1 = 86400 * 100, day2 = day1 + 86400, day3 = day2 + 86400;
    ASSERT_TRUE(
        store_
            ->add_dmarc_rows({row(day1, "example.org", "a", 2), row(day1, "example.org", "b", 1),
                              row(day1, "example.net", "a", 5), row(day2, "example.org", "a", 1)})
            .ok());
    // Same identity again: counts add up, the latest policy and rua win.
    ASSERT_TRUE(store_
                    ->add_dmarc_rows({row(day1, "example.org", "a", 3, "mailto:new@example.org"),
                                      row(day1, "example.org", "zero", 0)})
                    .ok());
    auto due = store_->dmarc_rows_before(day2);
    ASSERT_TRUE(due.ok()) << due.error().message;
    ASSERT_EQ(due->size(), 3u);  // day1 only; the zero-count row is not stored
    EXPECT_EQ((*due)[0].domain, "example.net");
    EXPECT_EQ((*due)[0].count, 5u);
    EXPECT_EQ((*due)[1].domain, "example.org");
    EXPECT_EQ((*due)[1].key, "a");
    EXPECT_EQ((*due)[1].count, 5u);
    EXPECT_EQ((*due)[1].rua, "mailto:new@example.org");
    EXPECT_EQ((*due)[2].key, "b");

    ASSERT_TRUE(store_->delete_dmarc_rows(day1, "example.org").ok());
    auto left = store_->dmarc_rows_before(day3);
    ASSERT_TRUE(left.ok());
    ASSERT_EQ(left->size(), 2u);
    EXPECT_EQ((*left)[0].domain, "example.net");
    EXPECT_EQ((*left)[1].day, day2);
}

}  // namespace tern::store::testing

// The store conformance suite: one set of tests written against the Store
// interface only (store/store.hpp), run for every backend (STYLE.md 8).
//
// A backend instantiates it with a factory that opens (or re-opens) its store
// with all state kept under `dir`:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//       ::testing::Values(tern::store::testing::Backend{"sqlite", factory}),
//       tern::store::testing::backend_name);
//
// The factory is called again with the same directory to test persistence
// across close() and re-open; it returns nullptr if opening fails.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "testing/temp_dir.hpp"

namespace tern::store::testing {

using StoreFactory = std::function<std::unique_ptr<Store>(const std::string& dir)>;

struct Backend {
    std::string name;
    StoreFactory factory;
};

inline void PrintTo(const Backend& backend, std::ostream* os) {
    *os << backend.name;
}
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param.name;
}

class StoreConformance : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override;
    void TearDown() override;

    // Closes the store and opens it again on the same directory.
    void reopen();
    // Creates the address's domain when needed, then the account.
    Account make_account(const std::string& address, uint64_t quota_bytes = 0);
    MailboxId mailbox_id(AccountId account, const std::string& name);
    // Appends `raw` to one mailbox and returns its UID.
    uint32_t put(MailboxId mailbox, const std::string& raw, std::vector<std::string> flags = {});
    std::vector<uint32_t> uids_of(MailboxId mailbox);

    std::unique_ptr<tern::testing::TempDir> dir_;
    std::unique_ptr<Store> store_;
};

// Simple derivers for the suite: the view is "V<size>", the header text is
// everything before the blank line and the body text what follows it.
// Backends open their store with these so the derived-data tests can run.
Derivers test_derivers();

// A message body with a header and `tag` in it, `extra` bytes long at least.
std::string sample_message(const std::string& tag, size_t extra = 0);

}  // namespace tern::store::testing

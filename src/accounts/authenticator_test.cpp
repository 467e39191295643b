#include "accounts/authenticator.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace tern::accounts {
namespace {

using namespace std::chrono_literals;

// Only what the Authenticator uses behaves; the rest reports a bug.
class FakeAccounts : public store::AccountStore {
  public:
    void put(std::string address, std::string hash, bool disabled = false) {
        store::Account a;
        a.id = static_cast<store::AccountId>(accounts_.size() + 1);
        a.address = address;
        a.password_hash = std::move(hash);
        a.disabled = disabled;
        accounts_[to_lower(address)] = std::move(a);
    }
    std::string hash_of(std::string_view address) {
        return accounts_[to_lower(address)].password_hash;
    }

    Result<store::Account> find_account(std::string_view address) override {
        ++lookups;
        if (broken) return fail(Errc::io, "disk on fire");
        auto it = accounts_.find(to_lower(address));
        if (it == accounts_.end()) return fail(Errc::not_found, "no such account");
        return it->second;
    }
    Status set_password_hash(std::string_view address, std::string_view hash) override {
        ++hash_updates;
        if (refuse_updates) return fail(Errc::busy, "read-only");
        auto it = accounts_.find(to_lower(address));
        if (it == accounts_.end()) return fail(Errc::not_found, "no such account");
        it->second.password_hash = std::string(hash);
        return {};
    }

    Status add_domain(std::string_view) override { return unused(); }
    Status remove_domain(std::string_view) override { return unused(); }
    Result<std::vector<std::string>> list_domains() override { return unused(); }
    Result<bool> has_domain(std::string_view) override { return unused(); }
    Result<store::Account> add_account(std::string_view, std::string_view, uint64_t) override {
        return unused();
    }
    Status remove_account(std::string_view) override { return unused(); }
    Result<store::Account> get_account(store::AccountId) override { return unused(); }
    Status set_quota(std::string_view, uint64_t) override { return unused(); }
    Status set_disabled(std::string_view, bool) override { return unused(); }
    Result<std::vector<store::Account>> list_accounts(std::string_view) override {
        return unused();
    }
    Status add_alias(std::string_view, const std::vector<std::string>&) override {
        return unused();
    }
    Status remove_alias(std::string_view, std::string_view) override { return unused(); }
    Result<store::Alias> find_alias(std::string_view) override { return unused(); }
    Result<std::vector<store::Alias>> list_aliases(std::string_view) override { return unused(); }

    int lookups = 0;
    int hash_updates = 0;
    bool broken = false;
    bool refuse_updates = false;

  private:
    static Failure unused() { return fail(Errc::internal, "not used by the authenticator"); }
    std::map<std::string, store::Account> accounts_;
};

struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
    SteadyNow fn() {
        return [this] { return now; };
    }
};

const Argon2Params kFast{1024, 1, 1};

class AuthenticatorTest : public ::testing::Test {
  protected:
    AuthenticatorTest() {
        log::capture_for_tests(&log_);
        auto hash = hash_password("correct-pw", kFast);
        EXPECT_TRUE(hash.ok());
        store_.put("alice@example.com", *hash);
        store_.put("zed@example.com", *hash, /*disabled=*/true);
    }
    ~AuthenticatorTest() override { log::capture_for_tests(nullptr); }

    AuthenticatorOptions options() {
        AuthenticatorOptions o;
        o.argon2 = kFast;
        o.cache_ttl = 300s;
        o.throttle.max_failures_per_ip = 20;
        o.throttle.max_failures_per_account = 3;
        o.throttle.window = 60s;
        return o;
    }

    std::string log_;
    FakeAccounts store_;
    FakeClock clock_;
};

TEST_F(AuthenticatorTest, Ok) {
    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap");
    ASSERT_EQ(r.outcome, AuthResult::ok);
    EXPECT_EQ(r.account.address, "alice@example.com");
    EXPECT_EQ(r.account.id, 1);
    EXPECT_EQ(auth.full_verifications(), 1u);
    EXPECT_NE(log_.find("event=auth.ok user=alice@example.com ip=192.0.2.1 protocol=imap"),
              std::string::npos)
        << log_;
    EXPECT_EQ(log_.find("correct-pw"), std::string::npos);
}

TEST_F(AuthenticatorTest, UsernameIsCaseInsensitive) {
    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("ALICE@Example.com", "correct-pw", "192.0.2.1", "smtp");
    ASSERT_EQ(r.outcome, AuthResult::ok);
    EXPECT_EQ(r.account.address, "alice@example.com");
}

TEST_F(AuthenticatorTest, WrongPassword) {
    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("alice@example.com", "wrong-pw", "192.0.2.1", "pop3");
    EXPECT_EQ(r.outcome, AuthResult::bad_credentials);
    EXPECT_EQ(r.account.id, 0);
    EXPECT_NE(log_.find("event=auth.fail user=alice@example.com ip=192.0.2.1 protocol=pop3"),
              std::string::npos)
        << log_;
    EXPECT_EQ(log_.find("wrong-pw"), std::string::npos);
}

TEST_F(AuthenticatorTest, UnknownUserStillVerifies) {
    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("nobody@example.com", "whatever", "192.0.2.1", "imap");
    EXPECT_EQ(r.outcome, AuthResult::bad_credentials);
    // A dummy hash was verified, as for a real account.
    EXPECT_EQ(auth.full_verifications(), 1u);
    EXPECT_NE(log_.find("event=auth.fail user=nobody@example.com"), std::string::npos);
    EXPECT_EQ(log_.find("whatever"), std::string::npos);
}

TEST_F(AuthenticatorTest, DisabledOnlyWithTheRightPassword) {
    Authenticator auth(store_, options(), clock_.fn());
    EXPECT_EQ(auth.authenticate("zed@example.com", "wrong", "192.0.2.1", "imap").outcome,
              AuthResult::bad_credentials);
    EXPECT_EQ(auth.authenticate("zed@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::disabled);
    // Still disabled on a second try (no cache shortcut around the check).
    EXPECT_EQ(auth.authenticate("zed@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::disabled);
}

TEST_F(AuthenticatorTest, ThrottledAfterFailures) {
    Authenticator auth(store_, options(), clock_.fn());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(auth.authenticate("alice@example.com", "guess", "203.0.113.5", "smtp").outcome,
                  AuthResult::bad_credentials);
    }
    uint64_t verified = auth.full_verifications();
    int lookups = store_.lookups;
    AuthResult r = auth.authenticate("alice@example.com", "correct-pw", "203.0.113.5", "smtp");
    EXPECT_EQ(r.outcome, AuthResult::throttled);
    EXPECT_EQ(r.retry_after, 60s);
    // Refused before any work.
    EXPECT_EQ(auth.full_verifications(), verified);
    EXPECT_EQ(store_.lookups, lookups);
    EXPECT_NE(log_.find("event=auth.throttled user=alice@example.com ip=203.0.113.5"),
              std::string::npos)
        << log_;
    clock_.now += 61s;
    EXPECT_EQ(auth.authenticate("alice@example.com", "correct-pw", "203.0.113.5", "smtp").outcome,
              AuthResult::ok);
}

TEST_F(AuthenticatorTest, CacheHitAvoidsVerification) {
    Authenticator auth(store_, options(), clock_.fn());
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    ASSERT_EQ(auth.authenticate("Alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.2", "pop3").outcome,
              AuthResult::ok);
    EXPECT_EQ(auth.full_verifications(), 1u);
    // A wrong password is never answered from the cache.
    EXPECT_EQ(auth.authenticate("alice@example.com", "correct-pw!", "192.0.2.1", "imap").outcome,
              AuthResult::bad_credentials);
    EXPECT_EQ(auth.full_verifications(), 2u);
    // After the TTL the password is verified again.
    clock_.now += 301s;
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    EXPECT_EQ(auth.full_verifications(), 3u);
}

TEST_F(AuthenticatorTest, PasswordChangeElsewhereInvalidatesCache) {
    Authenticator auth(store_, options(), clock_.fn());
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    // The admin CLI, another process, changes the password in the store.
    auto fresh = hash_password("new-pw", kFast);
    ASSERT_TRUE(fresh.ok());
    store_.put("alice@example.com", *fresh);
    EXPECT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::bad_credentials);
    EXPECT_EQ(auth.authenticate("alice@example.com", "new-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
}

TEST_F(AuthenticatorTest, ImportedSha512CryptIsUpgraded) {
    auto data = std::make_unique<crypt_data>();
    const char* legacy = crypt_r("old-secret", "$6$saltsalt$", data.get());
    ASSERT_NE(legacy, nullptr);
    store_.put("bob@example.com", std::string("{SHA512-CRYPT}") + legacy);

    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("bob@example.com", "old-secret", "192.0.2.1", "imap");
    ASSERT_EQ(r.outcome, AuthResult::ok);
    EXPECT_EQ(store_.hash_updates, 1);
    std::string upgraded = store_.hash_of("bob@example.com");
    EXPECT_TRUE(upgraded.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << upgraded;
    EXPECT_EQ(r.account.password_hash, upgraded);
    EXPECT_TRUE(verify_password("old-secret", upgraded));
    EXPECT_NE(log_.find("rehashed=yes"), std::string::npos) << log_;

    // A fresh process (no cache) verifies the upgraded hash, and leaves it.
    Authenticator other(store_, options(), clock_.fn());
    EXPECT_EQ(other.authenticate("bob@example.com", "old-secret", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    EXPECT_EQ(other.full_verifications(), 1u);
    EXPECT_EQ(store_.hash_updates, 1);
    EXPECT_EQ(store_.hash_of("bob@example.com"), upgraded);
}

TEST_F(AuthenticatorTest, ChangedParametersTriggerRehash) {
    AuthenticatorOptions stronger = options();
    stronger.argon2.iterations = 2;
    Authenticator auth(store_, stronger, clock_.fn());
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    EXPECT_TRUE(store_.hash_of("alice@example.com").starts_with("$argon2id$v=19$m=1024,t=2,p=1$"));
}

TEST_F(AuthenticatorTest, UpgradeFailureIsNotALoginFailure) {
    auto data = std::make_unique<crypt_data>();
    std::string legacy = crypt_r("old-secret", "$6$saltsalt$", data.get());
    store_.put("bob@example.com", legacy);
    store_.refuse_updates = true;
    Authenticator auth(store_, options(), clock_.fn());
    AuthResult r = auth.authenticate("bob@example.com", "old-secret", "192.0.2.1", "imap");
    ASSERT_EQ(r.outcome, AuthResult::ok);
    EXPECT_EQ(store_.hash_updates, 1);
    EXPECT_EQ(store_.hash_of("bob@example.com"), legacy);
    EXPECT_EQ(r.account.password_hash, legacy);
}

TEST_F(AuthenticatorTest, StoreErrorIsTemporary) {
    store_.broken = true;
    Authenticator auth(store_, options(), clock_.fn());
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
                  AuthResult::temporary_failure);
    }
    EXPECT_EQ(auth.full_verifications(), 0u);
    // Our own failures do not count against the client.
    store_.broken = false;
    EXPECT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
}

TEST_F(AuthenticatorTest, EmptyCredentialsFailWithoutLookup) {
    Authenticator auth(store_, options(), clock_.fn());
    EXPECT_EQ(auth.authenticate("alice@example.com", "", "192.0.2.1", "imap").outcome,
              AuthResult::bad_credentials);
    EXPECT_EQ(auth.authenticate("", "pw", "192.0.2.1", "imap").outcome,
              AuthResult::bad_credentials);
    EXPECT_EQ(store_.lookups, 0);
}

TEST_F(AuthenticatorTest, ForgetDropsCachedCredentials) {
    Authenticator auth(store_, options(), clock_.fn());
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    auth.forget("alice@example.com");
    ASSERT_EQ(auth.authenticate("alice@example.com", "correct-pw", "192.0.2.1", "imap").outcome,
              AuthResult::ok);
    EXPECT_EQ(auth.full_verifications(), 2u);
}

}  // namespace
}  // namespace tern::accounts

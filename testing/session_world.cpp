#include "testing/session_world.hpp"

#include <stdexcept>

#include "accounts/password.hpp"
#include "base/log.hpp"

namespace tern::testing {

SessionWorld::SessionWorld() {
    log::capture_for_tests(&log_);
    store::SqliteOptions so;
    so.path = dir_.file("tern.db");
    auto s = store::open_sqlite(so);
    if (!s) throw std::runtime_error(s.error().message);
    store_ = std::move(*s);
    accounts::AuthenticatorOptions ao;
    ao.argon2 = accounts::Argon2Params{1024, 1, 1};
    auth_ = std::make_unique<accounts::Authenticator>(*store_, ao);
    blocking_ = std::make_unique<net::Blocking>(2);
    config_ = std::make_unique<config::ConfigHolder>(std::make_shared<config::Config>());
    if (!store_->add_domain("example.test")) throw std::runtime_error("add_domain");
    auto hash = accounts::hash_password(kSessionPassword, ao.argon2);
    if (!hash) throw std::runtime_error(hash.error().message);
    auto account = store_->add_account(kSessionUser, *hash, 0);
    if (!account) throw std::runtime_error(account.error().message);
    alice_ = *account;
}

SessionWorld::~SessionWorld() {
    blocking_.reset();
    store_->close();
    log::capture_for_tests(nullptr);
}

}  // namespace tern::testing

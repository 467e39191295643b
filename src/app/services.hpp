// What every protocol session shares, built once by serve() and passed down.
// A configuration reload swaps `config` for new sessions; a session keeps the
// snapshot it started with.
#pragma once

#include <memory>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "net/blocking.hpp"
#include "store/store.hpp"

namespace tern::app {

struct Services {
    config::ConfigHolder& config;
    store::Store& store;
    accounts::Authenticator& auth;
    net::Blocking& blocking;
};

}  // namespace tern::app

// Maps a configured listener onto the protocol that serves it.
#pragma once

#include "app/services.hpp"
#include "base/result.hpp"
#include "config/config.hpp"
#include "net/server.hpp"

namespace tern::app {

// The listener spec for one [[listen]] entry; an error when the protocol is
// not available in this build.
Result<net::ListenerSpec> make_listener(const config::Listener& listener, Services& services);

}  // namespace tern::app

// The composition root (DESIGN.md): the only place that knows every concrete
// type. serve() opens the store, prepares TLS, starts the listeners of the
// configured protocols, runs until SIGTERM/SIGINT, then closes the store.
// SIGHUP reloads the configuration file: TLS certificates, log level and
// limits take effect for new connections; listener changes need a restart.
#pragma once

#include "config/config.hpp"

namespace tern::app {

int serve(const config::Config& config);

}  // namespace tern::app

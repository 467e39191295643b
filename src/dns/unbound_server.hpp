// UnboundServer (tests only): a real unbound on 127.0.0.1 at a free port,
// serving the given local-zone/local-data lines from a config file in a
// directory the caller owns (STACK-NOTES "A real DNS server for tests").
//
// start() writes the config (never recursing: `local-zone: "." refuse`),
// spawns `unbound -d -c FILE`, and waits until the log says "start of
// service"; it fails with Errc::io if unbound is missing or does not start
// within 10 s (it retries other ports when one was taken meanwhile).
// stop() (and the destructor) send SIGTERM to that PID only and reap it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace tern::dns::testing {

class UnboundServer {
  public:
    static Result<std::unique_ptr<UnboundServer>> start(const std::filesystem::path& dir,
                                                        const std::vector<std::string>& lines);
    ~UnboundServer();
    UnboundServer(const UnboundServer&) = delete;
    UnboundServer& operator=(const UnboundServer&) = delete;

    void stop();
    int port() const { return port_; }
    // "127.0.0.1:PORT", the form CaresOptions::nameservers takes.
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  private:
    UnboundServer(pid_t pid, int port) : pid_(pid), port_(port) {}
    pid_t pid_ = -1;
    int port_ = 0;
};

// A UDP port on 127.0.0.1 that was free a moment ago.
int free_udp_port();

}  // namespace tern::dns::testing

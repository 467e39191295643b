// Test only: a real HTTPS server on 127.0.0.1 that serves whatever raw
// HTTP response a test sets, with a self-signed certificate for
// "mta-sts.example.test" (net::generate_self_signed also lists localhost,
// 127.0.0.1 and ::1). It counts requests, so tests can tell a cached policy
// from a fetched one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/server.hpp"
#include "testing/temp_dir.hpp"

namespace tern::mtasts::test {

class PolicyServer {
  public:
    explicit PolicyServer(const std::string& hostname = "mta-sts.example.test");
    ~PolicyServer();

    // The raw bytes of the next responses, written in these pieces (so the
    // client sees the response arrive in parts), `gap` apart.
    void respond(std::vector<std::string> pieces,
                 std::chrono::milliseconds gap = std::chrono::milliseconds(0));
    // A 200 text/plain response with Content-Length.
    void serve_policy(const std::string& body);
    // Reads the request and then says nothing until the client goes away.
    void go_silent();

    int hits() const { return hits_.load(); }
    std::string last_request() const;
    const std::string& cert_file() const { return cert_; }
    uint16_t port() const { return port_; }

  private:
    net::Task<void> handle(net::Connection& c);

    testing::TempDir dir_;
    std::string cert_;
    net::Server server_;
    uint16_t port_ = 0;
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<std::string> pieces_;
    std::chrono::milliseconds gap_{0};
    bool silent_ = false;
    std::string last_request_;
    std::atomic<int> hits_{0};
};

std::string http_response(const std::string& status_line, const std::string& content_type,
                          const std::string& body);

}  // namespace tern::mtasts::test

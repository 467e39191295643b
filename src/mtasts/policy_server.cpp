#include "mtasts/policy_server.hpp"

#include <gtest/gtest.h>

#include "net/timer.hpp"

namespace tern::mtasts::test {

using namespace std::chrono_literals;

namespace {

net::ServerOptions options() {
    net::ServerOptions o;
    o.threads = 1;
    o.shutdown_grace = 2s;
    return o;
}

}  // namespace

std::string http_response(const std::string& status_line, const std::string& content_type,
                          const std::string& body) {
    std::string r = "HTTP/1.1 " + status_line + "\r\n";
    if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    return r + body;
}

PolicyServer::PolicyServer(const std::string& hostname) : server_(options()) {
    cert_ = dir_.file("cert.pem");
    Status st = net::generate_self_signed(hostname, cert_, dir_.file("key.pem"));
    EXPECT_TRUE(st.ok()) << st.error().message;
    auto ctx = net::TlsContext::from_files(cert_, dir_.file("key.pem"));
    EXPECT_TRUE(ctx.ok());
    if (ctx) server_.set_tls(*ctx);
    net::ListenerSpec spec;
    spec.name = "https";
    spec.address = "127.0.0.1";
    spec.implicit_tls = true;
    spec.idle_timeout = 10s;
    spec.handler = [this](net::Connection& c) { return handle(c); };
    auto idx = server_.listen(spec);
    EXPECT_TRUE(idx.ok());
    if (idx) port_ = server_.bound_port(*idx);
    thread_ = std::thread([this] { server_.run(); });
}

PolicyServer::~PolicyServer() {
    server_.request_stop();
    thread_.join();
}

void PolicyServer::respond(std::vector<std::string> pieces, std::chrono::milliseconds gap) {
    std::lock_guard lock(mu_);
    pieces_ = std::move(pieces);
    gap_ = gap;
    silent_ = false;
}

void PolicyServer::serve_policy(const std::string& body) {
    respond({http_response("200 OK", "text/plain", body)});
}

void PolicyServer::go_silent() {
    std::lock_guard lock(mu_);
    silent_ = true;
}

std::string PolicyServer::last_request() const {
    std::lock_guard lock(mu_);
    return last_request_;
}

net::Task<void> PolicyServer::handle(net::Connection& c) {
    std::string request;
    char buf[1024];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
        std::size_t n = 0;
        auto reading = c.stream.read_some(buf, sizeof buf, n, true);
        net::IoStatus st = co_await std::move(reading);
        if (st != net::IoStatus::ok) co_return;
        request.append(buf, n);
    }
    std::vector<std::string> pieces;
    bool silent = false;
    std::chrono::milliseconds gap{0};
    {
        std::lock_guard lock(mu_);
        last_request_ = request;
        pieces = pieces_;
        silent = silent_;
        gap = gap_;
    }
    ++hits_;
    if (silent) {
        // Wait for the client to give up and close (or the server to stop).
        for (;;) {
            std::size_t n = 0;
            auto reading = c.stream.read_some(buf, sizeof buf, n, true);
            net::IoStatus st = co_await std::move(reading);
            if (st != net::IoStatus::ok) co_return;
        }
    }
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0 && gap.count() > 0) {
            auto pausing = net::sleep_for(gap);
            co_await std::move(pausing);
        }
        const std::string& piece = pieces[i];
        auto writing = c.stream.write_all(piece);
        net::IoStatus st = co_await std::move(writing);
        if (st != net::IoStatus::ok) co_return;
    }
}

}  // namespace tern::mtasts::test

// ScriptStream: a net::Stream over a testing::MemoryStream that replays a
// transcript's client input. All input is there from the start (a
// pipelining client), except that no single read crosses a @wait point:
// there the real client would wait for the server's reply, so data after it
// must not reach the server's buffers early (after STARTTLS the server
// rightly discards anything read ahead, RFC 3207 4.2).
//
// It also records whether the session ever saw the end of the input (EOF, or
// the timeout/shutdown status the script asked for), which tells a session
// that ended by itself (QUIT, 421) from one that was still reading.
#pragma once

#include <cstddef>
#include <vector>

#include "testing/memory_stream.hpp"

namespace tern::testing {

class ScriptStream : public net::Stream {
  public:
    ScriptStream(MemoryStream& inner, std::vector<std::size_t> waits)
        : inner_(inner), waits_(std::move(waits)) {}

    net::Task<net::IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                                       bool interruptible) override {
        for (std::size_t w : waits_)
            if (w > pos_) {
                size = std::min(size, w - pos_);
                break;
            }
        net::IoStatus st = co_await inner_.read_some(buf, size, n, interruptible);
        if (st == net::IoStatus::ok)
            pos_ += n;
        else
            saw_end_ = true;
        co_return st;
    }
    net::Task<net::IoStatus> write_all(std::string_view data) override {
        return inner_.write_all(data);
    }
    net::Task<bool> start_tls() override { return inner_.start_tls(); }
    bool tls_available() const override { return inner_.tls_available(); }
    bool tls_active() const override { return inner_.tls_active(); }
    std::optional<net::TlsInfo> tls_info() const override { return inner_.tls_info(); }
    void set_timeout(std::chrono::milliseconds t) override { inner_.set_timeout(t); }
    bool stopping() const override { return inner_.stopping(); }
    void close() override { inner_.close(); }

    bool saw_end() const { return saw_end_; }
    std::size_t consumed() const { return pos_; }

  private:
    MemoryStream& inner_;
    std::vector<std::size_t> waits_;
    std::size_t pos_ = 0;
    bool saw_end_ = false;
};

}  // namespace tern::testing

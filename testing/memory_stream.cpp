#include "testing/memory_stream.hpp"

#include <algorithm>
#include <cstring>

namespace tern::testing {

net::Task<net::IoStatus> MemoryStream::read_some(char* buf, std::size_t size, std::size_t& n,
                                                 bool interruptible) {
    n = 0;
    if (closed_) co_return net::IoStatus::error;
    if (interruptible && stopping_) co_return net::IoStatus::shutdown;
    if (interruptible && woken_->exchange(false)) co_return net::IoStatus::woken;
    if (pos_ >= input_.size()) co_return end_;
    n = std::min({size, chunk_, input_.size() - pos_});
    std::memcpy(buf, input_.data() + pos_, n);
    pos_ += n;
    co_return net::IoStatus::ok;
}

net::Task<net::IoStatus> MemoryStream::write_all(std::string_view data) {
    if (closed_) co_return net::IoStatus::error;
    output_.append(data);
    co_return net::IoStatus::ok;
}

net::Task<bool> MemoryStream::start_tls() {
    if (!tls_available_ || tls_active_) co_return false;
    tls_active_ = true;
    co_return true;
}

net::Task<net::ClientTlsResult> MemoryStream::start_tls_client(const net::ClientTlsParams& params) {
    client_tls_params_ = params;
    net::ClientTlsResult r;
    if (tls_active_) {
        r.error = "TLS was already started on this connection";
        co_return r;
    }
    if (!client_tls_error_.empty()) {
        r.error = client_tls_error_;
        co_return r;
    }
    tls_active_ = true;
    tls_output_mark_ = output_.size();
    r.ok = true;
    r.info = *tls_info();
    r.verified = params.verify;
    co_return r;
}

std::function<void()> MemoryStream::waker() {
    std::shared_ptr<std::atomic<bool>> woken = woken_;
    return [woken] { woken->store(true); };
}

std::optional<net::TlsInfo> MemoryStream::tls_info() const {
    if (!tls_active_) return std::nullopt;
    return net::TlsInfo{"TLSv1.3", "TLS_AES_256_GCM_SHA384", 256};
}

}  // namespace tern::testing

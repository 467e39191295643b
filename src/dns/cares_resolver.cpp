// The c-ares channel runs inside the io_context: c-ares tells us which
// sockets it wants watched (ARES_OPT_SOCK_STATE_CB), Asio waits on them and
// calls ares_process_fd, and one steady_timer set from ares_timeout() drives
// retransmissions and timeouts. We never let Asio close c-ares's sockets.
#include "dns/cares_resolver.hpp"

#include <ares.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <unordered_map>

#include "base/log.hpp"
#include "dns/cache.hpp"
#include "dns/packet.hpp"

namespace tern::dns {

namespace asio = boost::asio;

namespace {

Answer failed(Rcode rcode, const Question& question) {
    Answer answer;
    answer.rcode = rcode;
    answer.canonical_name = normalize_name(question.name);
    return answer;
}

// No response at all (timeouts, ICMP-refused servers, shutdown) is a timeout;
// anything else c-ares reports is a server failure.
Rcode rcode_for_status(int status) {
    switch (status) {
        case ARES_ETIMEOUT:
        case ARES_ECONNREFUSED:
        case ARES_EDESTRUCTION:
        case ARES_ECANCELLED:
            return Rcode::timeout;
        default:
            return Rcode::servfail;
    }
}

}  // namespace

class CaresResolver::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(asio::io_context& io, std::size_t cache_entries)
        : io_(io), timer_(io), cache_(cache_entries) {}

    Status init(const CaresOptions& options);
    void shutdown();
    void lookup(const Question& question, Callback done);

    std::size_t hits_ = 0;
    std::size_t sent_ = 0;

  private:
    struct Socket {
        Socket(asio::io_context& io, int fd) : descriptor(io, fd) {}
        asio::posix::stream_descriptor descriptor;
        bool want_read = false;
        bool want_write = false;
        bool reading = false;
        bool writing = false;
        bool closed = false;
    };
    // One lookup in flight; owned by c-ares (the `arg`) until its callback.
    struct Pending {
        Impl* owner = nullptr;
        Question original;
        Question current;
        Callback done;
        int hops = 0;
        std::uint32_t chain_ttl = UINT32_MAX;
        bool chain_authenticated = true;
    };

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
    static void on_response(void* arg, int status, int timeouts, unsigned char* buf, int len);

    void send(std::unique_ptr<Pending> pending);
    void handle_response(std::unique_ptr<Pending> pending, int status, const unsigned char* buf,
                         int len);
    void finish(Pending& pending, Answer answer);
    void arm(int fd, const std::shared_ptr<Socket>& socket);
    void process(int read_fd, int write_fd);
    void reset_timer();

    asio::io_context& io_;
    asio::steady_timer timer_;
    ares_channel channel_ = nullptr;
    std::unordered_map<int, std::shared_ptr<Socket>> sockets_;
    AnswerCache cache_;
};

Status CaresResolver::Impl::init(const CaresOptions& options) {
    static std::once_flag once;
    static int library_status = ARES_SUCCESS;
    std::call_once(once, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
    if (library_status != ARES_SUCCESS) return fail(Errc::internal, ares_strerror(library_status));

    ares_options opts{};
    // Without NOCHECKRESP c-ares turns SERVFAIL/REFUSED into "try the next
    // server" and hides them; SPF must tell temperror from permerror.
    opts.flags = ARES_FLAG_NOCHECKRESP;
    opts.timeout = static_cast<int>(std::max<long long>(1, options.timeout.count()));
    opts.tries = std::max(1, options.tries);
    opts.sock_state_cb = &Impl::on_socket_state;
    opts.sock_state_cb_data = this;
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
    int rc = ares_init_options(&channel_, &opts, mask);
    if (rc != ARES_SUCCESS) {
        channel_ = nullptr;
        return fail(Errc::internal, std::string("c-ares init: ") + ares_strerror(rc));
    }
    if (!options.nameservers.empty()) {
        rc = ares_set_servers_ports_csv(channel_, options.nameservers.c_str());
        if (rc != ARES_SUCCESS) {
            return fail(Errc::invalid, "bad nameserver list \"" + options.nameservers +
                                           "\": " + ares_strerror(rc));
        }
    }
    return {};
}

void CaresResolver::Impl::shutdown() {
    if (channel_ != nullptr) {
        // Answers every pending query with ARES_EDESTRUCTION (posted as
        // timeouts) and reports each socket closed (released below).
        ares_destroy(channel_);
        channel_ = nullptr;
    }
    for (auto& [fd, socket] : sockets_) {
        socket->closed = true;
        socket->descriptor.release();
    }
    sockets_.clear();
    timer_.cancel();
}

void CaresResolver::Impl::lookup(const Question& question, Callback done) {
    if (auto cached = cache_.get(question, AnswerCache::Clock::now())) {
        ++hits_;
        asio::post(io_, [done = std::move(done), answer = std::move(*cached)]() mutable {
            done(std::move(answer));
        });
        return;
    }
    auto pending = std::make_unique<Pending>();
    pending->owner = this;
    pending->original = question;
    pending->current = question;
    pending->done = std::move(done);
    send(std::move(pending));
}

void CaresResolver::Impl::send(std::unique_ptr<Pending> pending) {
    if (channel_ == nullptr) {
        finish(*pending, failed(Rcode::timeout, pending->current));
        return;
    }
    auto query = build_query(pending->current);
    if (!query) {
        log::debug("dns.bad_query")
            .kv("name", pending->current.name)
            .kv("error", query.error().message);
        finish(*pending, failed(Rcode::servfail, pending->current));
        return;
    }
    ++sent_;
    // c-ares may call on_response before ares_send returns; it owns the
    // Pending from here on.
    ares_send(channel_, query->data(), static_cast<int>(query->size()), &Impl::on_response,
              pending.release());
    reset_timer();
}

void CaresResolver::Impl::on_response(void* arg, int status, int /*timeouts*/, unsigned char* buf,
                                      int len) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
    Impl* self = pending->owner;
    self->handle_response(std::move(pending), status, buf, len);
}

void CaresResolver::Impl::handle_response(std::unique_ptr<Pending> pending, int status,
                                          const unsigned char* buf, int len) {
    if (status != ARES_SUCCESS || buf == nullptr || len <= 0) {
        finish(*pending, failed(rcode_for_status(status), pending->current));
        return;
    }
    auto parsed = parse_response(buf, static_cast<std::size_t>(len), pending->current);
    if (!parsed) {
        log::debug("dns.bad_response")
            .kv("name", pending->current.name)
            .kv("error", parsed.error().message);
        finish(*pending, failed(Rcode::servfail, pending->current));
        return;
    }
    Answer& answer = parsed->answer;
    pending->hops += parsed->cname_hops;
    if (parsed->chain_incomplete && channel_ != nullptr) {
        // RFC 1034 3.6.2: the server stopped at a CNAME; restart the query at
        // its target, remembering what the links cost.
        if (pending->hops > kMaxCnameHops) {
            finish(*pending, failed(Rcode::servfail, pending->original));
            return;
        }
        pending->chain_ttl = std::min(pending->chain_ttl, answer.ttl);
        pending->chain_authenticated = pending->chain_authenticated && answer.authenticated;
        pending->current = Question{answer.canonical_name, pending->original.type};
        send(std::move(pending));
        return;
    }
    finish(*pending, std::move(answer));
}

void CaresResolver::Impl::finish(Pending& pending, Answer answer) {
    if (pending.current != pending.original) {
        answer.ttl = std::min(answer.ttl, pending.chain_ttl);
        answer.authenticated = answer.authenticated && pending.chain_authenticated;
    }
    if (channel_ != nullptr) cache_.put(pending.original, answer, AnswerCache::Clock::now());
    // Posted: c-ares may be calling us from inside ares_send or
    // ares_destroy, and `done` may start another lookup.
    asio::post(io_, [done = std::move(pending.done), answer = std::move(answer)]() mutable {
        done(std::move(answer));
    });
}

void CaresResolver::Impl::on_socket_state(void* data, ares_socket_t fd, int readable,
                                          int writable) {
    auto* self = static_cast<Impl*>(data);
    auto it = self->sockets_.find(fd);
    if (!readable && !writable) {
        // c-ares is about to close the fd: hand it back untouched (release()
        // also aborts our pending waits).
        if (it != self->sockets_.end()) {
            it->second->closed = true;
            it->second->descriptor.release();
            self->sockets_.erase(it);
        }
        return;
    }
    if (it == self->sockets_.end()) {
        it = self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd)).first;
    }
    it->second->want_read = readable != 0;
    it->second->want_write = writable != 0;
    self->arm(fd, it->second);
}

void CaresResolver::Impl::arm(int fd, const std::shared_ptr<Socket>& socket) {
    std::weak_ptr<Impl> weak = weak_from_this();
    if (socket->want_read && !socket->reading) {
        socket->reading = true;
        socket->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                      [weak, socket, fd](const boost::system::error_code& ec) {
                                          socket->reading = false;
                                          auto self = weak.lock();
                                          if (ec || socket->closed || !self) return;
                                          self->process(fd, ARES_SOCKET_BAD);
                                          if (!socket->closed) self->arm(fd, socket);
                                      });
    }
    if (socket->want_write && !socket->writing) {
        socket->writing = true;
        socket->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                      [weak, socket, fd](const boost::system::error_code& ec) {
                                          socket->writing = false;
                                          auto self = weak.lock();
                                          if (ec || socket->closed || !self) return;
                                          self->process(ARES_SOCKET_BAD, fd);
                                          if (!socket->closed) self->arm(fd, socket);
                                      });
    }
}

void CaresResolver::Impl::process(int read_fd, int write_fd) {
    if (channel_ == nullptr) return;
    ares_process_fd(channel_, read_fd, write_fd);
    reset_timer();
}

void CaresResolver::Impl::reset_timer() {
    if (channel_ == nullptr) return;
    timeval storage{};
    timeval* next = ares_timeout(channel_, nullptr, &storage);
    if (next == nullptr) {
        timer_.cancel();  // nothing in flight
        return;
    }
    timer_.expires_after(std::chrono::seconds(next->tv_sec) +
                         std::chrono::microseconds(next->tv_usec));
    std::weak_ptr<Impl> weak = weak_from_this();
    timer_.async_wait([weak](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self) return;
        // Both fds BAD: only retransmissions and timeouts are processed.
        self->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    });
}

// ---- CaresResolver ----

Result<std::unique_ptr<CaresResolver>> CaresResolver::create(asio::io_context& io,
                                                             const CaresOptions& options) {
    auto impl = std::make_shared<Impl>(io, options.cache_entries);
    if (auto status = impl->init(options); !status) {
        impl->shutdown();
        return status.failure();
    }
    return std::unique_ptr<CaresResolver>(new CaresResolver(std::move(impl)));
}

CaresResolver::CaresResolver(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

CaresResolver::~CaresResolver() {
    impl_->shutdown();
}

void CaresResolver::lookup(const Question& question, Callback done) {
    impl_->lookup(question, std::move(done));
}

std::size_t CaresResolver::cache_hits() const {
    return impl_->hits_;
}
std::size_t CaresResolver::queries_sent() const {
    return impl_->sent_;
}

// ---- BlockingCaresResolver ----

BlockingCaresResolver::BlockingCaresResolver() : io_(std::make_unique<asio::io_context>(1)) {}

BlockingCaresResolver::~BlockingCaresResolver() {
    resolver_.reset();
    io_->restart();
    io_->poll();  // runs the handlers the shutdown aborted
}

Result<std::unique_ptr<BlockingCaresResolver>> BlockingCaresResolver::create(
    const CaresOptions& options) {
    std::unique_ptr<BlockingCaresResolver> self(new BlockingCaresResolver());
    auto resolver = CaresResolver::create(*self->io_, options);
    if (!resolver) return resolver.failure();
    self->resolver_ = std::move(*resolver);
    return self;
}

Answer BlockingCaresResolver::query(const Question& question) {
    Answer result = failed(Rcode::timeout, question);
    bool delivered = false;
    resolver_->lookup(question, [&result, &delivered](Answer answer) {
        result = std::move(answer);
        delivered = true;
    });
    io_->restart();
    // Until our answer arrives: c-ares bounds every query by its timeout.
    while (!delivered && io_->run_one() > 0) {
    }
    return result;
}

}  // namespace tern::dns

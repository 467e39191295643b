// The resolver's io_context runs on its own thread with a work guard, so it
// waits for questions even when nothing is in flight. Everything touching the
// CaresResolver runs on that thread; the mutex only guards the decision
// "still running, post the question" against stop().
#include "dns/resolver_thread.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <optional>
#include <thread>

#include "base/log.hpp"

namespace tern::dns {

namespace asio = boost::asio;

namespace {

Answer timed_out(const Question& question) {
    Answer answer;
    answer.rcode = Rcode::timeout;
    answer.canonical_name = question.name;
    return answer;
}

}  // namespace

struct ResolverThread::Impl {
    asio::io_context io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<CaresResolver> resolver;  // used and destroyed on `thread` only
    std::thread thread;
    std::mutex mutex;
    bool running = false;  // guarded by mutex
};

Result<std::unique_ptr<ResolverThread>> ResolverThread::start(const CaresOptions& options) {
    auto impl = std::make_unique<Impl>();
    // Created here, before the thread exists, so no other thread can see it
    // yet; from now on only the resolver thread touches it.
    auto resolver = CaresResolver::create(impl->io, options);
    if (!resolver) return resolver.failure();
    impl->resolver = std::move(*resolver);
    impl->work.emplace(impl->io.get_executor());
    impl->running = true;
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] {
        try {
            raw->io.run();
        } catch (const std::exception& e) {
            // A throwing callback is a bug elsewhere; answer nothing more
            // rather than take the server down from a helper thread.
            log::error("dns.thread_failed").kv("error", e.what());
        }
    });
    return std::unique_ptr<ResolverThread>(new ResolverThread(std::move(impl)));
}

ResolverThread::ResolverThread(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ResolverThread::~ResolverThread() {
    stop();
}

void ResolverThread::lookup(const Question& question, Callback done) {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->running) {
            Impl* impl = impl_.get();
            asio::post(impl->io, [impl, question, done = std::move(done)]() mutable {
                if (impl->resolver)
                    impl->resolver->lookup(question, std::move(done));
                else
                    done(timed_out(question));
            });
            return;
        }
    }
    done(timed_out(question));
}

void ResolverThread::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->running) return;
        impl_->running = false;
        Impl* impl = impl_.get();
        // Destroyed on its own thread: pending lookups are answered with
        // timeouts (posted), which run before io.run() returns.
        asio::post(impl->io, [impl] {
            impl->resolver.reset();
            impl->work.reset();
        });
    }
    if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace tern::dns

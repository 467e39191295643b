#include "imap/server/session_fixture.hpp"

#include <condition_variable>
#include <mutex>

#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::imap::test {
namespace {

// A MemoryStream that lets a test act between two reads of the session,
// can wait for a wake-up as a socket would, and records what happened.
class HookStream : public testing::MemoryStream {
  public:
    HookStream(std::string input, const SessionSetup& setup)
        : MemoryStream(std::move(input), setup.chunk),
          wait_(setup.wait_for_wake),
          log_(setup.io_log) {
        if (setup.hook) steps_.push_back({setup.hook_after, setup.hook, setup.then_input});
        steps_.insert(steps_.end(), setup.steps.begin(), setup.steps.end());
    }

    net::Task<net::IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                                       bool interruptible) override {
        run_steps();
        IoRecord rec;
        rec.at = std::chrono::steady_clock::now();
        rec.output_before = output().size();
        rec.timeout = timeout_;
        rec.interruptible = interruptible;
        if (wait_.count() > 0 && interruptible && input_left() == 0) {
            // Block the session's thread like a socket read with nothing to
            // read: only the waker (called from a store thread) ends it early.
            std::unique_lock lock(wake_->mu);
            wake_->cv.wait_for(lock, wait_, [this] { return wake_pending(); });
        }
        net::IoStatus st = co_await MemoryStream::read_some(buf, size, n, interruptible);
        rec.status = st;
        if (log_) log_->push_back(std::move(rec));
        co_return st;
    }

    net::Task<net::IoStatus> write_all(std::string_view data) override {
        if (log_) {
            IoRecord rec;
            rec.write = true;
            rec.at = std::chrono::steady_clock::now();
            rec.data = std::string(data);
            log_->push_back(std::move(rec));
        }
        return MemoryStream::write_all(data);
    }

    std::function<void()> waker() override {
        std::function<void()> base = MemoryStream::waker();
        std::shared_ptr<Wake> wake = wake_;
        return [base, wake] {
            base();
            std::lock_guard lock(wake->mu);
            wake->cv.notify_all();
        };
    }

    void set_timeout(std::chrono::milliseconds t) override { timeout_ = t; }
    std::chrono::milliseconds timeout() const override { return timeout_; }

  private:
    struct Wake {
        std::mutex mu;
        std::condition_variable cv;
    };

    void run_steps() {
        while (next_ < steps_.size()) {
            const std::size_t at = output().find(steps_[next_].after, searched_);
            if (at == std::string::npos) return;
            searched_ = at + steps_[next_].after.size();
            SessionStep step = std::move(steps_[next_++]);
            if (step.action) step.action();
            feed(step.input);
        }
    }

    std::vector<SessionStep> steps_;
    std::size_t next_ = 0;
    std::size_t searched_ = 0;
    std::chrono::milliseconds wait_;
    std::vector<IoRecord>* log_;
    std::chrono::milliseconds timeout_{0};
    std::shared_ptr<Wake> wake_ = std::make_shared<Wake>();
};

}  // namespace

ImapSessionTest::ImapSessionTest() {}

ImapSessionTest::~ImapSessionTest() = default;

uint32_t ImapSessionTest::deliver(const std::string& raw, const std::string& mailbox,
                                  std::vector<std::string> flags, int64_t date) {
    auto box = store_->find_mailbox(alice_.id, mailbox);
    if (!box) throw std::runtime_error(box.error().message);
    store::NewMessage m;
    m.raw = raw;
    m.internal_date = date;
    m.targets.push_back({box->id, std::move(flags)});
    auto r = store_->append(m);
    if (!r) throw std::runtime_error(r.error().message);
    return r->at(0).uid;
}

std::vector<store::Message> ImapSessionTest::messages(const std::string& mailbox) {
    auto box = store_->find_mailbox(alice_.id, mailbox);
    if (!box) return {};
    return *store_->list_messages(box->id);
}

std::string ImapSessionTest::session(const std::string& input, const SessionSetup& setup) {
    auto cfg = std::make_shared<config::Config>();
    cfg->auth.allow_plaintext_without_tls = setup.allow_plaintext;
    config_->set(cfg);
    HookStream stream(input, setup);
    stream.set_tls_available(setup.tls_available);
    stream.set_end_status(setup.end);
    stream.set_stopping(setup.stopping);
    if (setup.implicit_tls) testing::run_task(stream.start_tls());
    net::Connection conn{stream, "s1",        "imap", "192.0.2.9",
                         40000,  "127.0.0.1", 143,    setup.implicit_tls};
    ImapDeps deps{*config_, *store_, *auth_, *blocking_};
    testing::run_task(run_session(conn, deps, setup.options));
    return stream.output();
}

std::string after_line(const std::string& out, const std::string& prefix) {
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t eol = out.find("\r\n", pos);
        if (eol == std::string::npos) break;
        if (out.compare(pos, prefix.size(), prefix) == 0) return out.substr(eol + 2);
        pos = eol + 2;
    }
    return out;
}

std::string lines_with(const std::string& out, const std::string& prefix) {
    std::string r;
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t eol = out.find("\r\n", pos);
        if (eol == std::string::npos) break;
        if (out.compare(pos, prefix.size(), prefix) == 0) r += out.substr(pos, eol + 2 - pos);
        pos = eol + 2;
    }
    return r;
}

std::string ImapSessionTest::logged_in(const std::string& commands, SessionSetup setup) {
    setup.allow_plaintext = true;
    std::string out =
        session(std::string("a LOGIN ") + kUser + " \"" + kPassword + "\"\r\n" + commands, setup);
    EXPECT_NE(out.find("a OK [CAPABILITY"), std::string::npos) << out;
    return after_line(out, "a OK");
}

std::string ImapSessionTest::selected(const std::string& commands, const std::string& mailbox) {
    const std::string out = logged_in("s SELECT " + mailbox + "\r\n" + commands);
    EXPECT_NE(out.find("s OK [READ-WRITE]"), std::string::npos) << out;
    return after_line(out, "s OK");
}

}  // namespace tern::imap::test

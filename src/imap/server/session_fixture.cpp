#include "imap/server/session_fixture.hpp"

#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::imap::test {
namespace {

// A MemoryStream that lets a test act between two reads of the session.
class HookStream : public testing::MemoryStream {
  public:
    HookStream(std::string input, const SessionSetup& setup)
        : MemoryStream(std::move(input), setup.chunk),
          after_(setup.hook_after),
          hook_(setup.hook),
          times_out_(setup.hook_times_out),
          then_input_(setup.then_input) {}

    net::Task<net::IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                                       bool interruptible) override {
        if (hook_ && output().find(after_) != std::string::npos) {
            auto hook = std::move(hook_);
            hook_ = nullptr;
            hook();
            feed(then_input_);
            if (times_out_) {
                n = 0;
                return timed_out();
            }
        }
        return MemoryStream::read_some(buf, size, n, interruptible);
    }

  private:
    static net::Task<net::IoStatus> timed_out() { co_return net::IoStatus::timeout; }

    std::string after_;
    std::function<void()> hook_;
    bool times_out_ = false;
    std::string then_input_;
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

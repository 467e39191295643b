#include "pop3/server/session_fixture.hpp"

#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::pop3::test {

Pop3SessionTest::Pop3SessionTest() {
    inbox_ = *store_->find_mailbox(alice_.id, "INBOX");
}

Pop3SessionTest::~Pop3SessionTest() = default;

uint32_t Pop3SessionTest::deliver(const std::string& raw) {
    store::NewMessage m;
    m.raw = raw;
    m.internal_date = 1700000000;
    m.targets.push_back({inbox_.id, {}});
    auto r = store_->append(m);
    if (!r) throw std::runtime_error(r.error().message);
    return r->at(0).uid;
}

std::vector<store::Message> Pop3SessionTest::inbox() {
    return *store_->list_messages(inbox_.id);
}

std::string Pop3SessionTest::session(const std::string& input, const SessionSetup& setup) {
    auto cfg = std::make_shared<config::Config>();
    cfg->auth.allow_plaintext_without_tls = setup.allow_plaintext;
    config_->set(cfg);
    testing::MemoryStream stream(input, setup.chunk);
    stream.set_tls_available(setup.tls_available);
    stream.set_end_status(setup.end);
    stream.set_stopping(setup.stopping);
    if (setup.implicit_tls) testing::run_task(stream.start_tls());
    net::Connection conn{stream, "s1",        "pop3", "192.0.2.9",
                         40000,  "127.0.0.1", 110,    setup.implicit_tls};
    Pop3Deps deps{*config_, *store_, *auth_, *blocking_, locks_};
    testing::run_task(run_session(conn, deps, setup.options));
    return stream.output();
}

std::string Pop3SessionTest::logged_in(const std::string& commands, SessionSetup setup) {
    setup.allow_plaintext = true;
    std::string out =
        session(std::string("USER ") + kUser + "\r\nPASS " + kPassword + "\r\n" + commands, setup);
    // Greeting, "+OK send PASS", then the login reply.
    std::size_t pos = 0;
    for (int i = 0; i < 3 && pos != std::string::npos; ++i) {
        pos = out.find("\r\n", pos);
        if (pos != std::string::npos) pos += 2;
    }
    const std::string head = out.substr(0, pos);
    EXPECT_NE(head.find("+OK maildrop has"), std::string::npos) << out;
    return pos == std::string::npos ? out : out.substr(pos);
}

}  // namespace tern::pop3::test

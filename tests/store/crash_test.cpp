// Kills store_crash_writer with SIGKILL at random moments and checks that
// every append it acknowledged survived, byte for byte (DESIGN.md rule 3:
// an OK means durable), and that the database is consistent afterwards.
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "base/strings.hpp"
#include "store/store.hpp"
#include "testing/temp_dir.hpp"

namespace tern::store {
namespace {

std::string sha256_hex(const std::string& bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

struct Round {
    std::map<uint32_t, std::string> acks;  // uid -> sha256
    bool finished = false;
    std::string errors;
};

// Runs the writer, kills it `kill_after` after it says "ready", returns what
// it acknowledged.
Round run_writer(const std::string& db, std::chrono::milliseconds kill_after) {
    Round round;
    int fds[2];
    if (::pipe(fds) != 0) {
        ADD_FAILURE() << "pipe failed";
        return round;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execl(STORE_CRASH_WRITER, STORE_CRASH_WRITER, db.c_str(), "1000", nullptr);
        ::_exit(127);
    }
    ::close(fds[1]);
    // A separate reader keeps the pipe drained so the writer never blocks on
    // a full pipe while we wait to kill it.
    std::promise<void> ready;
    auto ready_future = ready.get_future();
    std::string text;
    std::thread reader([&] {
        bool told = false;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            text.append(buf, static_cast<size_t>(n));
            if (!told && text.find("ready\n") != std::string::npos) {
                told = true;
                ready.set_value();
            }
        }
        if (!told) ready.set_value();
    });
    ready_future.wait();
    std::this_thread::sleep_for(kill_after);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    reader.join();
    ::close(fds[0]);

    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (lines.eof()) break;  // a partial last line is no promise
        std::istringstream words(line);
        std::string word, sha;
        uint32_t uid = 0;
        words >> word;
        if (word == "ack" && (words >> uid >> sha)) {
            EXPECT_EQ(round.acks.count(uid), 0u) << "uid acknowledged twice: " << uid;
            round.acks[uid] = sha;
        } else if (word == "done") {
            round.finished = true;
        } else if (word == "error") {
            round.errors += line + "\n";
        }
    }
    return round;
}

TEST(StoreCrash, AcknowledgedAppendsSurviveSigkill) {
    tern::testing::TempDir dir;
    const std::string db = dir.file("crash.db");
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay(50, 400);
    size_t total = 0;
    for (int round_no = 0; round_no < 5; ++round_no) {
        const auto kill_after = std::chrono::milliseconds(delay(rng));
        Round round = run_writer(db, kill_after);
        EXPECT_TRUE(round.errors.empty()) << round.errors;
        total += round.acks.size();

        SqliteOptions options;
        options.path = db;
        options.create_if_missing = false;
        auto store = open_sqlite(options);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto account = (*store)->find_account("writer@crash.test");
        ASSERT_TRUE(account.ok()) << "round " << round_no;
        auto inbox = (*store)->find_mailbox(account->id, "INBOX");
        ASSERT_TRUE(inbox.ok());
        for (const auto& [uid, sha] : round.acks) {
            auto message = (*store)->get_message(inbox->id, uid);
            ASSERT_TRUE(message.ok()) << "acknowledged uid " << uid << " lost in round " << round_no
                                      << " (killed after " << kill_after.count() << " ms)";
            auto body = (*store)->read_blob(message->blob);
            ASSERT_TRUE(body.ok());
            EXPECT_EQ(sha256_hex(*body), sha) << "uid " << uid;
            EXPECT_EQ(message->size, body->size());
        }
        auto problems = (*store)->check();
        ASSERT_TRUE(problems.ok());
        EXPECT_TRUE(problems->empty()) << problems->front();
        (*store)->close();
    }
    // The writer was killed while writing, not before: promises were tested.
    EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace tern::store

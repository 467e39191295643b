// store_crash_writer DB_PATH COUNT
//
// The victim of crash_test.cpp: opens the SQLite store at DB_PATH, makes sure
// crash.test and writer@crash.test exist, prints "ready", then appends COUNT
// messages with unique bodies to INBOX from 8 threads. Right after each
// append returns OK it prints "ack <uid> <sha256 of the body>" — a promise
// that the message is durable (DESIGN.md rule 3). The test kills it with
// SIGKILL at a random moment and checks every promise.
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.hpp"
#include "store/store.hpp"

namespace {

std::mutex out_mu;

// One write(2) per line, under a mutex: a line is either wholly in the pipe
// or not at all when the process dies.
void say(const std::string& line) {
    std::lock_guard lock(out_mu);
    std::string buf = line + "\n";
    size_t done = 0;
    while (done < buf.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, buf.data() + done, buf.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

std::string sha256_hex(const std::string& bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    return tern::hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tern::store;
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DB_PATH COUNT\n", argv[0]);
        return 2;
    }
    const int count = std::atoi(argv[2]);
    SqliteOptions options;
    options.path = argv[1];
    auto store = open_sqlite(options);
    if (!store.ok()) {
        std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
        return 1;
    }
    Store& s = **store;
    (void)s.add_domain("crash.test");
    (void)s.add_account("writer@crash.test", "x", 0);
    auto account = s.find_account("writer@crash.test");
    if (!account.ok()) return 1;
    auto inbox = s.find_mailbox(account->id, "INBOX");
    if (!inbox.ok()) return 1;
    say("ready");

    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    const auto pid = static_cast<long>(::getpid());
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(static_cast<uint64_t>(pid) * 131 + static_cast<uint64_t>(t));
            for (int i = next++; i < count; i = next++) {
                NewMessage m;
                m.raw = "Subject: crash " + std::to_string(pid) + "/" + std::to_string(i) +
                        "\r\n\r\n" + std::to_string(rng()) + "\r\n";
                m.raw.append(static_cast<size_t>(rng() % 2000), static_cast<char>('a' + t));
                m.internal_date = 1700000000 + i;
                m.targets = {{inbox->id, {}}};
                auto appended = s.append(m);
                if (!appended.ok()) {
                    say("error " + appended.error().message);
                    continue;
                }
                say("ack " + std::to_string(appended->front().uid) + " " + sha256_hex(m.raw));
            }
        });
    for (auto& th : threads)
        th.join();
    s.close();
    say("done");
    return 0;
}

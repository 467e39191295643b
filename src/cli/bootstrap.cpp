#include "cli/bootstrap.hpp"

#include <openssl/rand.h>

#include <filesystem>

#include "imap/server/message_view.hpp"

namespace tern::cli {

namespace {

Status make_directory(const std::filesystem::path& dir) {
    if (dir.empty()) return {};
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return fail(Errc::io, "cannot create the directory " + dir.string() + ": " + ec.message());
    }
    return {};
}

}  // namespace

accounts::Argon2Params argon2_params(const config::Config& config) {
    accounts::Argon2Params p;
    p.memory_kib = config.auth.argon2_memory_kib;
    p.iterations = config.auth.argon2_iterations;
    p.parallelism = config.auth.argon2_parallelism;
    return p;
}

Result<std::unique_ptr<store::Store>> open_store(const config::Config& config, bool server) {
    if (auto s = make_directory(config.server.data_dir); !s) return s.failure();
    std::string path = config.store_path();
    if (auto s = make_directory(std::filesystem::path(path).parent_path()); !s) {
        return s.failure();
    }
    store::SqliteOptions options;
    options.path = path;
    options.group_commit_max_batch = config.store.group_commit_max_batch;
    options.create_if_missing = true;
    // IMAP's views and the full-text index text (imap/server/message_view.hpp);
    // only the server keeps the index current in the background.
    options.derivers = imap::store_derivers();
    options.index_in_background = server;
    return store::open_sqlite(options);
}

Result<std::string> random_password(size_t length) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // 248 = 4 * 62: bytes at or above it are dropped so every character is
    // equally likely.
    constexpr unsigned kLimit = 4 * alphabet.size();
    std::string out;
    while (out.size() < length) {
        unsigned char buf[32];
        if (RAND_bytes(buf, sizeof(buf)) != 1) {
            return fail(Errc::internal, "the system random generator failed");
        }
        for (unsigned char b : buf) {
            if (b < kLimit && out.size() < length) out.push_back(alphabet[b % alphabet.size()]);
        }
    }
    return out;
}

Result<std::optional<std::string>> dev_first_start(const config::Config& config,
                                                   store::Store& store) {
    if (!config.dev) return std::optional<std::string>();
    auto seeded = store.has_domain("tern.test");
    if (!seeded) return seeded.failure();
    if (*seeded) return std::optional<std::string>();

    for (std::string_view domain : {"tern.test", "localhost"}) {
        auto added = store.add_domain(domain);
        if (!added && added.error().code != Errc::exists) return added.failure();
    }
    auto password = random_password(16);
    if (!password) return password.failure();
    auto hash = accounts::hash_password(*password, argon2_params(config));
    if (!hash) return hash.failure();
    auto account = store.add_account(kDemoAddress, *hash, 0);
    if (!account && account.error().code != Errc::exists) return account.failure();
    if (!account) {
        // A demo account left from an earlier run: give it the new password.
        if (auto s = store.set_password_hash(kDemoAddress, *hash); !s) return s.failure();
    }
    return std::optional<std::string>(*password);
}

}  // namespace tern::cli

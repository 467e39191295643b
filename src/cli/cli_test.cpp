// In-process tests of `tern`: cli::run() with argv arrays against a
// configuration file and a store in a temporary directory.
#include "cli/cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "accounts/password.hpp"
#include "cli/bootstrap.hpp"
#include "testing/temp_dir.hpp"

namespace tern::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

// Swaps a stream's buffer for the lifetime of the object.
class Redirect {
  public:
    Redirect(std::ios& stream, std::streambuf* buffer)
        : stream_(stream), saved_(stream.rdbuf(buffer)) {}
    ~Redirect() { stream_.rdbuf(saved_); }
    Redirect(const Redirect&) = delete;
    Redirect& operator=(const Redirect&) = delete;

  private:
    std::ios& stream_;
    std::streambuf* saved_;
};

Outcome run_tern(
    std::vector<std::string> words, const std::string& input = "",
    const ServeFunction& serve = [](const config::Config&) { return 99; }) {
    words.insert(words.begin(), "tern");
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    {
        Redirect r_in(std::cin, in.rdbuf());
        Redirect r_out(std::cout, out.rdbuf());
        Redirect r_err(std::cerr, err.rdbuf());
        o.code = run(static_cast<int>(words.size()), argv.data(), serve);
    }
    o.out = out.str();
    o.err = err.str();
    return o;
}

// Changes the working directory for its lifetime (dev mode uses ./var/dev).
class ChangeDirectory {
  public:
    explicit ChangeDirectory(const std::filesystem::path& to)
        : previous_(std::filesystem::current_path()) {
        std::filesystem::current_path(to);
    }
    ~ChangeDirectory() { std::filesystem::current_path(previous_); }
    ChangeDirectory(const ChangeDirectory&) = delete;
    ChangeDirectory& operator=(const ChangeDirectory&) = delete;

  private:
    std::filesystem::path previous_;
};

class CliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        config_path_ = dir_.file("tern.toml");
        std::ofstream(config_path_)
            << "[server]\nhostname = \"mx.example.org\"\ndata_dir = \"" << dir_.file("data")
            << "\"\n[auth]\nargon2_memory_kib = 64\n"
               "argon2_iterations = 1\n";
    }

    // `tern -c <file> words...`
    Outcome tern(std::vector<std::string> words, const std::string& input = "") {
        words.insert(words.begin(), {"-c", config_path_});
        return run_tern(std::move(words), input);
    }

    void expect_ok(const Outcome& o, const std::string& out) {
        EXPECT_EQ(o.code, 0) << o.err;
        EXPECT_EQ(o.out, out);
        EXPECT_EQ(o.err, "");
    }

    std::string password_hash(const std::string& address) {
        auto config = config::load_config(config_path_);
        EXPECT_TRUE(config.ok());
        auto store = open_store(*config);
        EXPECT_TRUE(store.ok()) << store.error().message;
        if (!store) return {};
        auto account = (*store)->find_account(address);
        EXPECT_TRUE(account.ok()) << account.error().message;
        return account ? account->password_hash : std::string();
    }

    tern::testing::TempDir dir_;
    std::string config_path_;
};

TEST_F(CliTest, Version) {
    auto o = run_tern({"version"});
    expect_ok(o, std::string("tern ") + TERN_VERSION + "\n");
}

TEST_F(CliTest, DomainAddListDel) {
    expect_ok(tern({"domain", "add", "Example.ORG"}), "added domain example.org\n");
    expect_ok(tern({"domain", "add", "other.net"}), "added domain other.net\n");
    auto list = tern({"domain", "list"});
    EXPECT_EQ(list.code, 0);
    EXPECT_THAT(list.out, HasSubstr("example.org\n"));
    EXPECT_THAT(list.out, HasSubstr("other.net\n"));

    auto again = tern({"domain", "add", "example.org"});
    EXPECT_EQ(again.code, 1);
    EXPECT_EQ(again.err, "tern: domain example.org already exists. See `tern domain list`\n");

    expect_ok(tern({"domain", "del", "example.org"}), "removed domain example.org\n");
    expect_ok(tern({"domain", "list"}), "other.net\n");
    auto gone = tern({"domain", "del", "example.org"});
    EXPECT_EQ(gone.code, 1);
    EXPECT_EQ(gone.err, "tern: unknown domain example.org. See `tern domain list`\n");

    auto bad = tern({"domain", "add", "not a domain"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_THAT(bad.err, StartsWith("tern: 'not a domain' is not a domain name. "));
}

TEST_F(CliTest, DomainWithUsersCannotBeRemoved) {
    ASSERT_EQ(tern({"domain", "add", "example.org"}).code, 0);
    ASSERT_EQ(tern({"user", "add", "a@example.org", "--password-stdin"}, "pw\n").code, 0);
    auto o = tern({"domain", "del", "example.org"});
    EXPECT_EQ(o.code, 1);
    EXPECT_THAT(o.err, StartsWith("tern: domain example.org still has users. Remove them first"));
}

TEST_F(CliTest, UserAddWithPasswordStdin) {
    ASSERT_EQ(tern({"domain", "add", "example.org"}).code, 0);
    expect_ok(tern({"user", "add", "alice@example.org", "--password-stdin"}, "s3cret pass\r\n"),
              "added user alice@example.org\n");
    std::string hash = password_hash("alice@example.org");
    EXPECT_THAT(hash, StartsWith("$argon2id$v=19$m=64,t=1,p=1$"));
    EXPECT_TRUE(accounts::verify_password("s3cret pass", hash));
    EXPECT_FALSE(accounts::verify_password("s3cret pass\r", hash));

    auto list = tern({"user", "list"});
    EXPECT_EQ(list.code, 0);
    EXPECT_EQ(list.out, "alice@example.org  used=0 quota=unlimited\n");
}

TEST_F(CliTest, UserAddErrors) {
    auto unknown = tern({"user", "add", "bob@nowhere.org", "--password-stdin"}, "pw\n");
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err,
              "tern: unknown domain nowhere.org. Add it with `tern domain add nowhere.org`\n");

    ASSERT_EQ(tern({"domain", "add", "example.org"}).code, 0);
    ASSERT_EQ(tern({"user", "add", "bob@example.org", "--password-stdin"}, "pw\n").code, 0);
    auto dup = tern({"user", "add", "bob@example.org", "--password-stdin"}, "pw2\n");
    EXPECT_EQ(dup.code, 1);
    EXPECT_EQ(dup.err,
              "tern: user bob@example.org already exists. Change its password with `tern user "
              "passwd bob@example.org`\n");

    auto empty = tern({"user", "add", "carol@example.org", "--password-stdin"}, "\n");
    EXPECT_EQ(empty.code, 1);
    EXPECT_THAT(empty.err, StartsWith("tern: the password is empty. "));
    auto none = tern({"user", "add", "carol@example.org", "--password-stdin"}, "");
    EXPECT_EQ(none.code, 1);
    EXPECT_THAT(none.err, HasSubstr("no password"));

    auto bad = tern({"user", "add", "carol", "--password-stdin"}, "pw\n");
    EXPECT_EQ(bad.code, 1);
    EXPECT_THAT(bad.err, StartsWith("tern: 'carol' is not an email address. Write it as"));

    auto missing = tern({"user", "add"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_THAT(missing.err, StartsWith("tern: ADDRESS is required"));
    EXPECT_THAT(missing.err, HasSubstr("`tern user add --help`"));
}

TEST_F(CliTest, UserQuotaPasswdListDel) {
    ASSERT_EQ(tern({"domain", "add", "example.org"}).code, 0);
    ASSERT_EQ(tern({"domain", "add", "other.net"}).code, 0);
    expect_ok(tern({"user", "add", "a@example.org", "--password-stdin", "--quota", "1000"}, "x\n"),
              "added user a@example.org with a quota of 1000 bytes\n");
    expect_ok(tern({"user", "add", "b@other.net", "--quota", "2K", "--password-stdin"}, "y\n"),
              "added user b@other.net with a quota of 2048 bytes\n");
    expect_ok(tern({"user", "list", "other.net"}), "b@other.net  used=0 quota=2048\n");
    auto unknown = tern({"user", "list", "third.org"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err,
              "tern: unknown domain third.org. Add it with `tern domain add third.org`\n");

    expect_ok(tern({"user", "passwd", "a@example.org", "--password-stdin"}, "new one\n"),
              "changed the password of a@example.org\n");
    std::string hash = password_hash("a@example.org");
    EXPECT_TRUE(accounts::verify_password("new one", hash));
    EXPECT_FALSE(accounts::verify_password("x", hash));
    auto nobody = tern({"user", "passwd", "z@example.org", "--password-stdin"}, "pw\n");
    EXPECT_EQ(nobody.code, 1);
    EXPECT_THAT(nobody.err, StartsWith("tern: no user z@example.org. See `tern user list`"));

    expect_ok(tern({"user", "del", "a@example.org"}),
              "removed user a@example.org and all its mail\n");
    expect_ok(tern({"user", "list", "example.org"}), "");
    auto twice = tern({"user", "del", "a@example.org"});
    EXPECT_EQ(twice.code, 1);
    EXPECT_EQ(twice.err, "tern: no user a@example.org. See `tern user list`\n");
}

TEST_F(CliTest, AliasAddListDel) {
    ASSERT_EQ(tern({"domain", "add", "example.org"}).code, 0);
    expect_ok(tern({"alias", "add", "info@example.org", "alice@example.org", "bob@other.net"}),
              "added alias info@example.org -> alice@example.org, bob@other.net\n");
    expect_ok(tern({"alias", "add", "@example.org", "postmaster@example.org"}),
              "added alias @example.org -> postmaster@example.org\n");
    auto list = tern({"alias", "list", "example.org"});
    EXPECT_EQ(list.code, 0);
    EXPECT_THAT(list.out, HasSubstr("info@example.org -> alice@example.org, bob@other.net\n"));
    EXPECT_THAT(list.out, HasSubstr("@example.org -> postmaster@example.org\n"));

    expect_ok(tern({"alias", "del", "info@example.org", "bob@other.net"}),
              "removed bob@other.net from alias info@example.org\n");
    auto no_target = tern({"alias", "del", "info@example.org", "carol@other.net"});
    EXPECT_EQ(no_target.code, 1);
    EXPECT_EQ(no_target.err,
              "tern: alias info@example.org has no target carol@other.net. Its targets are: "
              "alice@example.org\n");
    expect_ok(tern({"alias", "del", "info@example.org"}), "removed alias info@example.org\n");
    auto gone = tern({"alias", "del", "info@example.org"});
    EXPECT_EQ(gone.code, 1);
    EXPECT_EQ(gone.err, "tern: no alias info@example.org. See `tern alias list`\n");
    expect_ok(tern({"alias", "list"}), "@example.org -> postmaster@example.org\n");

    auto unknown = tern({"alias", "add", "x@elsewhere.org", "a@example.org"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err,
              "tern: unknown domain elsewhere.org. Add it with `tern domain add elsewhere.org`\n");
    auto no_targets = tern({"alias", "add", "x@example.org"});
    EXPECT_EQ(no_targets.code, 1);
    EXPECT_THAT(no_targets.err, StartsWith("tern: TARGET is required"));
}

TEST_F(CliTest, GlobalOptionsWorkBeforeAndAfterTheSubcommand) {
    expect_ok(run_tern({"--config", config_path_, "domain", "add", "a.org"}),
              "added domain a.org\n");
    expect_ok(run_tern({"domain", "add", "b.org", "-c", config_path_}), "added domain b.org\n");
    expect_ok(run_tern({"domain", "list", "--config", config_path_}), "a.org\nb.org\n");
    expect_ok(run_tern({"domain", "--config=" + config_path_, "list"}), "a.org\nb.org\n");
}

TEST_F(CliTest, MissingOrBadConfigurationIsReported) {
    auto missing = run_tern({"-c", dir_.file("nope.toml"), "domain", "list"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_THAT(missing.err, StartsWith("tern: configuration file " + dir_.file("nope.toml") +
                                        " does not exist. Pass -c FILE"));
    EXPECT_THAT(missing.err, HasSubstr("--dev"));

    std::ofstream(config_path_) << "[smtp]\nmax_size = 5\n";
    auto bad = tern({"user", "list"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_THAT(bad.err, HasSubstr("unknown key 'smtp.max_size' at line 2"));
    EXPECT_THAT(bad.err, HasSubstr("`tern config check " + config_path_ + "`"));
}

TEST_F(CliTest, ConfigCheck) {
    expect_ok(run_tern({"config", "check", config_path_}), "config OK: 7 listeners\n");
    expect_ok(tern({"config", "check"}), "config OK: 7 listeners\n");

    std::string two = dir_.file("two.toml");
    std::ofstream(two) << "[[listen]]\nprotocol = \"imap\"\n[[listen]]\nprotocol = \"pop3\"\n";
    expect_ok(run_tern({"config", "check", two}), "config OK: 2 listeners\n");

    std::string bad = dir_.file("bad.toml");
    std::ofstream(bad) << "[server]\nthreads = -1\n";
    auto o = run_tern({"config", "check", bad});
    EXPECT_EQ(o.code, 1);
    EXPECT_EQ(o.out, "");
    EXPECT_THAT(o.err,
                StartsWith("tern: " + bad + ": server.threads at line 2 must be an integer"));

    std::ofstream(bad) << "[server\n";
    o = run_tern({"config", "check", bad});
    EXPECT_EQ(o.code, 1);
    EXPECT_THAT(o.err, StartsWith("tern: " + bad + ":1:"));
}

TEST_F(CliTest, ServeGetsTheLoadedConfiguration) {
    config::Config seen;
    auto serve = [&seen](const config::Config& c) {
        seen = c;
        return 7;
    };
    auto o = run_tern({"-c", config_path_, "serve"}, "", serve);
    EXPECT_EQ(o.code, 7);
    EXPECT_EQ(seen.server.hostname, "mx.example.org");
    EXPECT_FALSE(seen.dev);

    o = run_tern({"serve", "--dev"}, "", serve);
    EXPECT_EQ(o.code, 7);
    EXPECT_TRUE(seen.dev);
    EXPECT_EQ(seen.server.hostname, "localhost");
    EXPECT_EQ(seen.listeners.size(), 7u);
}

TEST_F(CliTest, HelpForEverySubcommandExitsZero) {
    const std::vector<std::vector<std::string>> commands = {
        {},
        {"serve"},
        {"user"},
        {"user", "add"},
        {"user", "del"},
        {"user", "passwd"},
        {"user", "list"},
        {"domain"},
        {"domain", "add"},
        {"domain", "del"},
        {"domain", "list"},
        {"alias"},
        {"alias", "add"},
        {"alias", "del"},
        {"alias", "list"},
        {"config"},
        {"config", "check"},
        {"version"},
    };
    for (auto words : commands) {
        std::string name = "tern";
        for (const auto& w : words)
            name += " " + w;
        words.push_back("--help");
        auto o = run_tern(words);
        EXPECT_EQ(o.code, 0) << name << ": " << o.err;
        EXPECT_THAT(o.out, HasSubstr("Usage: " + name)) << o.out;
        EXPECT_EQ(o.err, "") << name;
    }
}

TEST_F(CliTest, UsageErrorsExitOne) {
    auto none = run_tern({});
    EXPECT_EQ(none.code, 1);
    EXPECT_THAT(none.err, StartsWith("tern: "));
    auto unknown = run_tern({"frobnicate"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "tern: unknown command 'frobnicate' for `tern`. See `tern --help`\n");
    auto unknown_sub = run_tern({"user", "rename"});
    EXPECT_EQ(unknown_sub.code, 1);
    EXPECT_THAT(unknown_sub.err, StartsWith("tern: unknown command 'rename' for `tern user`"));
    auto bad_option = run_tern({"user", "list", "--bogus"});
    EXPECT_EQ(bad_option.code, 1);
    EXPECT_THAT(bad_option.err, HasSubstr("--bogus"));
    EXPECT_THAT(bad_option.err, HasSubstr("`tern user list --help`"));
    auto half = run_tern({"user"});
    EXPECT_EQ(half.code, 1);
    EXPECT_THAT(half.err, HasSubstr("`tern user --help`"));
}

TEST(Bootstrap, OpenStoreCreatesTheDataDirectory) {
    tern::testing::TempDir dir;
    config::Config config;
    config.server.data_dir = dir.file("a/b/c");
    auto store = open_store(config);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE(std::filesystem::is_directory(dir.file("a/b/c")));
    EXPECT_TRUE(std::filesystem::exists(config.store_path()));
}

TEST(Bootstrap, RandomPasswordsAreLettersAndDigits) {
    auto a = random_password(16);
    auto b = random_password(16);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->size(), 16u);
    EXPECT_NE(*a, *b);
    for (char c : *a)
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
}

// Dev mode seeds a demo account once; `tern --dev user passwd` changes it.
TEST(Bootstrap, DevFirstStartSeedsOnceAndPasswdChangesIt) {
    tern::testing::TempDir dir;
    ChangeDirectory cd(dir.path());
    config::Config config = config::dev_config();
    config.auth.argon2_memory_kib = 64;  // keep the test fast
    config.auth.argon2_iterations = 1;
    {
        auto store = open_store(config);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto first = dev_first_start(config, **store);
        ASSERT_TRUE(first.ok()) << first.error().message;
        ASSERT_TRUE(first->has_value());
        EXPECT_EQ((*first)->size(), 16u);
        EXPECT_TRUE(*(*store)->has_domain("tern.test"));
        EXPECT_TRUE(*(*store)->has_domain("localhost"));
        auto demo = (*store)->find_account(std::string(kDemoAddress));
        ASSERT_TRUE(demo.ok());
        EXPECT_TRUE(accounts::verify_password(**first, demo->password_hash));

        auto second = dev_first_start(config, **store);
        ASSERT_TRUE(second.ok());
        EXPECT_FALSE(second->has_value());

        config::Config production = config;
        production.dev = false;
        auto none = dev_first_start(production, **store);
        ASSERT_TRUE(none.ok());
        EXPECT_FALSE(none->has_value());
    }
    auto o = run_tern({"--dev", "user", "passwd", "demo@tern.test", "--password-stdin"}, "fresh\n");
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.out, "changed the password of demo@tern.test\n");
    {
        auto store = open_store(config);
        ASSERT_TRUE(store.ok());
        auto demo = (*store)->find_account(std::string(kDemoAddress));
        ASSERT_TRUE(demo.ok());
        EXPECT_TRUE(accounts::verify_password("fresh", demo->password_hash));
    }
}

}  // namespace
}  // namespace tern::cli

// Internal to src/cli: the admin subcommands (user, domain, alias) behind
// cli::run(), and the helpers they share.
//
// Each command opens the store from the configuration, does one thing,
// prints one line on std::cout saying what it did (lists print one entry per
// line) and returns 0; on error it prints "tern: <what went wrong>. <what to
// do>" on std::cerr and returns 1. Arguments are syntax-checked before the
// store is opened.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace tern::cli::detail {

// Every argument of the admin subcommands; each command reads its own.
struct Args {
    std::string address;  // user add/del/passwd
    std::string domain;   // domain add/del, user list, alias list (optional there)
    std::string source;   // alias add/del
    std::vector<std::string> targets;
    std::string target;  // alias del (optional)
    bool password_stdin = false;
    uint64_t quota = 0;
    std::string mailbox = "INBOX";  // mail list/show
    uint32_t uid = 0;               // mail show
    std::string algorithm = "rsa";  // dkim keygen
    std::string selector;           // dkim keygen
    bool force = false;             // dkim keygen
    int64_t queue_id = 0;           // queue show/retry/delete/bounce
    bool with_message = false;      // queue show --message
    std::string ipv4;               // dns records --ip
    std::string ipv6;               // dns records --ipv6
    bool include_today = false;     // dmarc send --include-today
};

// The advice printed after an unexpected store error.
extern const char* const kStoreTodo;

// Prints "tern: <what>. <todo>" on std::cerr and returns 1 (the exit code).
int failed(std::string_view what, std::string_view todo);

// Opens the store or prints why not; nullptr on failure.
std::unique_ptr<store::Store> open_or_report(const config::Config& config);

// Prints the "unknown domain" error when the domain does not exist; returns
// 0 when it exists, 1 when it does not or the store failed.
int require_domain(store::Store& store, std::string_view domain);

int user_add(const config::Config& config, const Args& args);
int user_del(const config::Config& config, const Args& args);
int user_passwd(const config::Config& config, const Args& args);
int user_list(const config::Config& config, const Args& args);

int domain_add(const config::Config& config, const Args& args);
int domain_del(const config::Config& config, const Args& args);
int domain_list(const config::Config& config, const Args& args);

int alias_add(const config::Config& config, const Args& args);
int alias_del(const config::Config& config, const Args& args);
int alias_list(const config::Config& config, const Args& args);

int mail_list(const config::Config& config, const Args& args);
int mail_show(const config::Config& config, const Args& args);
int queue_list(const config::Config& config, const Args& args);
int queue_show(const config::Config& config, const Args& args);
int queue_flush(const config::Config& config, const Args& args);
int queue_retry(const config::Config& config, const Args& args);
int queue_delete(const config::Config& config, const Args& args);
int queue_bounce(const config::Config& config, const Args& args);
int store_check(const config::Config& config, const Args& args);
int dkim_keygen(const config::Config& config, const Args& args);
// `tern dns records DOMAIN`: the zone-file records to publish (dns_records.hpp).
int dns_records(const config::Config& config, const Args& args);
// `tern dns query NAME [TYPE]`: what Tern's resolver answers, AD bit included
// (cmd_dns.cpp); add_dns_query() declares its arguments on the subcommand.
void add_dns_query(CLI::App& query);
int dns_query(const config::Config& config, const Args& args);
// `tern dmarc pending | send [--include-today]` (cmd_dmarc.cpp).
int dmarc_pending(const config::Config& config, const Args& args);
int dmarc_send(const config::Config& config, const Args& args);
// Where `tern dkim keygen` keeps a domain's key: <data_dir>/dkim/<domain>.<selector>.pem
std::string dkim_key_path(const config::Config& config, std::string_view domain,
                          std::string_view selector);

}  // namespace tern::cli::detail

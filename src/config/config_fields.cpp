// The key table behind parse_config() and known_keys(). Ranges say what is
// sensible, and cite the RFC where a standard sets a floor.
#include "config/config_fields.hpp"

#include <limits>

namespace tern::config::detail {

namespace {

constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kI64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
constexpr uint64_t kDay = 86400;

}  // namespace

const std::vector<Field>& fields() {
    using R = StringRule;
    static const std::vector<Field> table = {
        {"server", "hostname", [](Config& c) -> Target { return &c.server.hostname; }, 0, 0,
         R::hostname},
        {"server", "data_dir", [](Config& c) -> Target { return &c.server.data_dir; }, 0, 0,
         R::absolute_path},
        {"server", "log_level", [](Config& c) -> Target { return &c.server.log_level; }, 0, 0,
         R::log_level},
        {"server", "threads", [](Config& c) -> Target { return &c.server.threads; }, 0, 1024},
        {"server", "shutdown_grace_seconds",
         [](Config& c) -> Target { return &c.server.shutdown_grace_seconds; }, 0, kDay},

        {"tls", "cert_file", [](Config& c) -> Target { return &c.tls.cert_file; }, 0, 0,
         R::optional_absolute_path},
        {"tls", "key_file", [](Config& c) -> Target { return &c.tls.key_file; }, 0, 0,
         R::optional_absolute_path},

        {"limits", "max_connections", [](Config& c) -> Target { return &c.limits.max_connections; },
         1, kU32},
        {"limits", "max_connections_per_ip",
         [](Config& c) -> Target { return &c.limits.max_connections_per_ip; }, 1, kU32},

        {"smtp", "idle_timeout_seconds",
         [](Config& c) -> Target { return &c.smtp.idle_timeout_seconds; }, 1, kDay},
        // RFC 5321 4.5.3.1.6: a text line may be 1000 octets with CRLF; accept no less.
        {"smtp", "max_line_length", [](Config& c) -> Target { return &c.smtp.max_line_length; },
         1000, 1024 * 1024},
        {"smtp", "max_message_size", [](Config& c) -> Target { return &c.smtp.max_message_size; },
         1, kI64},
        {"smtp", "max_recipients", [](Config& c) -> Target { return &c.smtp.max_recipients; }, 1,
         kU32},
        {"smtp", "max_errors", [](Config& c) -> Target { return &c.smtp.max_errors; }, 1, kU32},
        // RFC 5321 4.5.3.2.1: clients wait 5 minutes for the greeting; a minute is the most
        // a pregreet check may take.
        {"smtp", "greeting_delay_ms", [](Config& c) -> Target { return &c.smtp.greeting_delay_ms; },
         0, 60000},
        {"smtp", "submission_rate_per_hour",
         [](Config& c) -> Target { return &c.smtp.submission_rate_per_hour; }, 0, kU32},

        {"imap", "idle_timeout_seconds",
         [](Config& c) -> Target { return &c.imap.idle_timeout_seconds; }, 1, kDay},
        // RFC 7162 4: clients may send lines of 8192 octets; 1024 is a hard floor.
        {"imap", "max_line_length", [](Config& c) -> Target { return &c.imap.max_line_length; },
         1024, 16 * 1024 * 1024},

        {"pop3", "idle_timeout_seconds",
         [](Config& c) -> Target { return &c.pop3.idle_timeout_seconds; }, 1, kDay},
        // RFC 2449 4: commands may be 255 octets with CRLF.
        {"pop3", "max_line_length", [](Config& c) -> Target { return &c.pop3.max_line_length; },
         255, 1024 * 1024},
        {"pop3", "delete_retrieved", [](Config& c) -> Target { return &c.pop3.delete_retrieved; }},

        {"store", "backend", [](Config& c) -> Target { return &c.store.backend; }, 0, 0,
         R::backend},
        {"store", "path", [](Config& c) -> Target { return &c.store.path; }, 0, 0,
         R::optional_absolute_path},
        {"store", "group_commit_max_batch",
         [](Config& c) -> Target { return &c.store.group_commit_max_batch; }, 1, 65536},
        {"store", "worker_threads", [](Config& c) -> Target { return &c.store.worker_threads; }, 1,
         1024},

        // RFC 9106 3.1: memory is at least 8 KiB per lane (checked with parallelism later);
        // 4 GiB is beyond any sensible login cost.
        {"auth", "argon2_memory_kib", [](Config& c) -> Target { return &c.auth.argon2_memory_kib; },
         8, 4 * 1024 * 1024},
        {"auth", "argon2_iterations", [](Config& c) -> Target { return &c.auth.argon2_iterations; },
         1, 1024},
        // RFC 9106 3.1: 1 to 2^24-1 lanes; more than 255 threads per hash is senseless.
        {"auth", "argon2_parallelism",
         [](Config& c) -> Target { return &c.auth.argon2_parallelism; }, 1, 255},
        {"auth", "cache_ttl_seconds", [](Config& c) -> Target { return &c.auth.cache_ttl_seconds; },
         0, kDay},
        {"auth", "max_failures_per_ip",
         [](Config& c) -> Target { return &c.auth.max_failures_per_ip; }, 1, kU32},
        {"auth", "max_failures_per_account",
         [](Config& c) -> Target { return &c.auth.max_failures_per_account; }, 1, kU32},
        {"auth", "failure_window_seconds",
         [](Config& c) -> Target { return &c.auth.failure_window_seconds; }, 1, 7 * kDay},
        {"auth", "allow_plaintext_without_tls",
         [](Config& c) -> Target { return &c.auth.allow_plaintext_without_tls; }},

        {"dns", "nameservers", [](Config& c) -> Target { return &c.dns.nameservers; }},
        {"dns", "timeout_ms", [](Config& c) -> Target { return &c.dns.timeout_ms; }, 100, 60000},

        {"queue", "helo_name", [](Config& c) -> Target { return &c.queue.helo_name; }, 0, 0,
         R::optional_hostname},
        {"queue", "smtp_port", [](Config& c) -> Target { return &c.queue.smtp_port; }, 1, 65535},
        {"queue", "retry_initial_seconds",
         [](Config& c) -> Target { return &c.queue.retry_initial_seconds; }, 1, kDay},
        {"queue", "retry_max_seconds",
         [](Config& c) -> Target { return &c.queue.retry_max_seconds; }, 1, kDay},
        {"queue", "max_age_seconds", [](Config& c) -> Target { return &c.queue.max_age_seconds; },
         1, 30 * kDay},
        {"queue", "delay_notice_seconds",
         [](Config& c) -> Target { return &c.queue.delay_notice_seconds; }, 0, 30 * kDay},
        {"queue", "max_deliveries", [](Config& c) -> Target { return &c.queue.max_deliveries; }, 1,
         10000},
        {"queue", "max_per_destination",
         [](Config& c) -> Target { return &c.queue.max_per_destination; }, 1, 1000},
        {"queue", "connect_timeout_seconds",
         [](Config& c) -> Target { return &c.queue.connect_timeout_seconds; }, 1, 3600},
        // RFC 5321 4.5.3.2: the client's timeouts are minutes; tests shorten them.
        {"queue", "command_timeout_seconds",
         [](Config& c) -> Target { return &c.queue.command_timeout_seconds; }, 1, 3600},
        {"queue", "scan_interval_seconds",
         [](Config& c) -> Target { return &c.queue.scan_interval_seconds; }, 1, 3600},
        {"queue", "smarthost", [](Config& c) -> Target { return &c.queue.smarthost; }},
        {"queue", "smarthost_user", [](Config& c) -> Target { return &c.queue.smarthost_user; }},
        {"queue", "smarthost_password_file",
         [](Config& c) -> Target { return &c.queue.smarthost_password_file; }, 0, 0,
         R::optional_absolute_path},
        {"queue", "tls_ca_file", [](Config& c) -> Target { return &c.queue.tls_ca_file; }, 0, 0,
         R::optional_absolute_path},
        {"queue", "dane", [](Config& c) -> Target { return &c.queue.dane; }},
        {"queue", "mta_sts", [](Config& c) -> Target { return &c.queue.mta_sts; }},
        {"queue", "mta_sts_port", [](Config& c) -> Target { return &c.queue.mta_sts_port; }, 1,
         65535},

        {"mailauth", "authserv_id", [](Config& c) -> Target { return &c.mailauth.authserv_id; }, 0,
         0, R::optional_hostname},
        {"mailauth", "spf", [](Config& c) -> Target { return &c.mailauth.spf; }},
        {"mailauth", "dkim_verify", [](Config& c) -> Target { return &c.mailauth.dkim_verify; }},
        {"mailauth", "dmarc", [](Config& c) -> Target { return &c.mailauth.dmarc; }},
        {"mailauth", "dmarc_enforce",
         [](Config& c) -> Target { return &c.mailauth.dmarc_enforce; }},
        {"mailauth", "arc", [](Config& c) -> Target { return &c.mailauth.arc; }},
        {"mailauth", "arc_seal", [](Config& c) -> Target { return &c.mailauth.arc_seal; }},
        {"mailauth", "public_suffix_list",
         [](Config& c) -> Target { return &c.mailauth.public_suffix_list; }, 0, 0,
         R::absolute_path},
        {"mailauth", "dnsbl_zones", [](Config& c) -> Target { return &c.mailauth.dnsbl_zones; }, 0,
         0, R::zone_list},
        {"mailauth", "dnsbl_domain_zones",
         [](Config& c) -> Target { return &c.mailauth.dnsbl_domain_zones; }, 0, 0, R::zone_list},
        {"mailauth", "iprev", [](Config& c) -> Target { return &c.mailauth.iprev; }},
        {"mailauth", "dmarc_reports",
         [](Config& c) -> Target { return &c.mailauth.dmarc_reports; }},
        {"mailauth", "dmarc_report_from",
         [](Config& c) -> Target { return &c.mailauth.dmarc_report_from; }},
        {"mailauth", "dmarc_report_org",
         [](Config& c) -> Target { return &c.mailauth.dmarc_report_org; }, 0, 0,
         R::optional_hostname},
    };
    return table;
}

const std::vector<std::string_view>& listen_keys() {
    static const std::vector<std::string_view> keys = {"protocol", "address", "port", "tls"};
    return keys;
}

const std::vector<std::string_view>& transport_keys() {
    static const std::vector<std::string_view> keys = {"domain", "relay", "tls", "user",
                                                       "password_file"};
    return keys;
}

}  // namespace tern::config::detail

namespace tern::config {

std::vector<std::string> known_keys() {
    std::vector<std::string> keys;
    for (const auto& f : detail::fields()) {
        keys.push_back(std::string(f.section) + "." + std::string(f.key));
    }
    for (auto k : detail::listen_keys())
        keys.push_back("listen." + std::string(k));
    for (auto k : detail::transport_keys())
        keys.push_back("transport." + std::string(k));
    return keys;
}

}  // namespace tern::config

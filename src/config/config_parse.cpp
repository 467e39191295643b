// parse_config(): TOML text to a validated Config.
//
// toml++ does the syntax; this file walks the document against the key table
// (config_fields.cpp) so that every unknown table or key is an error with its
// line, then checks the values that only make sense together.
#include <arpa/inet.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <map>

#include "base/strings.hpp"
#include "config/config.hpp"
#include "config/config_fields.hpp"

namespace tern::config {

namespace {

using detail::Field;
using detail::StringRule;
using detail::Target;

constexpr std::string_view kSeeDocs = "; see docs/configuration.md";

std::string_view type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

std::string line_of(const toml::source_region& where) {
    return std::to_string(where.begin.line);
}

bool valid_hostname(std::string_view name) {
    // RFC 1035 2.3.4 / RFC 1123 2.1: labels of letters, digits and hyphens,
    // 63 octets each, 253 in all (without the root dot).
    if (name.empty() || name.size() > 253) return false;
    size_t label = 0;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-') return false;
            label = 0;
            continue;
        }
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-') return false;
        if (c == '-' && label == 0) return false;
        if (++label > 63) return false;
    }
    return label > 0 && name.back() != '-';
}

// A blocklist zone list: comma-separated names, spaces around them and one
// trailing dot allowed, empty items ignored ("a, b," is a harmless typo).
// Labels of 1-63 letters, digits, '-' or '_', 253 characters in all
// (RFC 1035 2.3.4); smtp/server/dnsbl.cpp reads the list the same way.
bool valid_zone_list(std::string_view text) {
    for (std::string_view item : split(text, ',')) {
        std::string_view zone = trim(item);
        if (zone.empty()) continue;
        if (zone.back() == '.') zone.remove_suffix(1);
        if (zone.empty() || zone.size() > 253) return false;
        for (std::string_view label : split(zone, '.')) {
            if (label.empty() || label.size() > 63) return false;
            for (char c : label) {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) return false;
            }
        }
    }
    return true;
}

bool valid_ip(const std::string& address) {
    unsigned char buf[16];
    return inet_pton(AF_INET, address.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, address.c_str(), buf) == 1;
}

uint16_t standard_port(Protocol p, TlsMode tls) {
    bool implicit = tls == TlsMode::implicit;
    switch (p) {
        case Protocol::smtp:
            return 25;
        case Protocol::submission:
            return implicit ? 465 : 587;  // RFC 8314 7.3, RFC 6409
        case Protocol::imap:
            return implicit ? 993 : 143;
        case Protocol::pop3:
            return implicit ? 995 : 110;
    }
    return 25;
}

class Parser {
  public:
    explicit Parser(std::string_view origin) : origin_(origin) {}

    Status run(const toml::table& root, Config& config);

  private:
    Failure error(std::string message) const {
        return fail(Errc::invalid, std::string(origin_) + ": " + std::move(message));
    }
    Failure unknown(std::string_view kind, std::string_view name, const toml::source_region& at) {
        return error("unknown " + std::string(kind) + " '" + std::string(name) + "' at line " +
                     line_of(at) + std::string(kSeeDocs));
    }
    // "smtp.max_recipients at line 4" or "auth.argon2_memory_kib (default)".
    std::string where(const std::string& name) const {
        auto it = lines_.find(name);
        return it == lines_.end() ? name + " (default)" : name + " at line " + it->second;
    }

    Status section(std::string_view name, const toml::table& table, Config& config);
    Status apply(const Field& field, const toml::node& node, Config& config);
    Status apply_string(const Field& field, const std::string& name, const toml::node& node,
                        std::string& out);
    Status listeners(const toml::node& node, Config& config);
    Result<Listener> listener(const toml::table& table);
    Status transports(const toml::node& node, Config& config);
    Result<Transport> transport(const toml::table& table);
    Status cross_checks(const Config& config) const;
    Status listener_conflicts(const Config& config) const;

    std::string_view origin_;
    std::map<std::string, std::string> lines_;  // "section.key" -> line, for later messages
    std::vector<std::string> listener_lines_;
};

Status Parser::run(const toml::table& root, Config& config) {
    for (auto&& [key, node] : root) {
        std::string_view name = key.str();
        if (name == "listen") {
            if (auto s = listeners(node, config); !s) return s;
            continue;
        }
        if (name == "transport") {
            if (auto s = transports(node, config); !s) return s;
            continue;
        }
        bool known = false;
        for (const auto& f : detail::fields())
            known = known || f.section == name;
        if (!known) return unknown(node.is_table() ? "table" : "key", name, key.source());
        const toml::table* table = node.as_table();
        if (table == nullptr) {
            return error("'" + std::string(name) + "' at line " + line_of(key.source()) +
                         " must be a table ([" + std::string(name) + "]), not " +
                         std::string(type_name(node)));
        }
        if (auto s = section(name, *table, config); !s) return s;
    }
    if (auto s = cross_checks(config); !s) return s;
    return listener_conflicts(config);
}

Status Parser::section(std::string_view name, const toml::table& table, Config& config) {
    for (auto&& [key, node] : table) {
        const Field* field = nullptr;
        for (const auto& f : detail::fields()) {
            if (f.section == name && f.key == key.str()) field = &f;
        }
        std::string full = std::string(name) + "." + std::string(key.str());
        if (field == nullptr) return unknown("key", full, key.source());
        lines_[full] = line_of(key.source());
        if (auto s = apply(*field, node, config); !s) return s;
    }
    return {};
}

Status Parser::apply(const Field& field, const toml::node& node, Config& config) {
    std::string name = std::string(field.section) + "." + std::string(field.key);
    Target target = field.target(config);
    if (auto* b = std::get_if<bool*>(&target)) {
        const auto* v = node.as_boolean();
        if (v == nullptr) {
            return error(where(name) + " must be true or false, not " +
                         std::string(type_name(node)));
        }
        **b = v->get();
        return {};
    }
    if (auto* s = std::get_if<std::string*>(&target)) return apply_string(field, name, node, **s);

    std::string expected = where(name) + " must be an integer from " + std::to_string(field.min) +
                           " to " + std::to_string(field.max);
    const auto* v = node.as_integer();
    if (v == nullptr) return error(expected + ", not " + std::string(type_name(node)));
    int64_t n = v->get();
    if (n < 0 || static_cast<uint64_t>(n) < field.min || static_cast<uint64_t>(n) > field.max) {
        return error(expected + ", not " + std::to_string(n));
    }
    if (auto* u = std::get_if<unsigned*>(&target)) {
        **u = static_cast<unsigned>(n);
    } else {
        *std::get<uint64_t*>(target) = static_cast<uint64_t>(n);
    }
    return {};
}

Status Parser::apply_string(const Field& field, const std::string& name, const toml::node& node,
                            std::string& out) {
    const auto* v = node.as_string();
    if (v == nullptr) {
        return error(where(name) + " must be a string, not " + std::string(type_name(node)));
    }
    const std::string& text = v->get();
    switch (field.rule) {
        case StringRule::any:
            break;
        case StringRule::optional_hostname:
            if (text.empty()) break;
            [[fallthrough]];
        case StringRule::hostname:
            if (!valid_hostname(text)) {
                return error(where(name) +
                             " must be a host name such as \"mail.example.org\", not \"" + text +
                             "\"");
            }
            break;
        case StringRule::optional_absolute_path:
            if (text.empty()) break;
            [[fallthrough]];
        case StringRule::absolute_path:
            if (text.empty() || text.front() != '/') {
                return error(where(name) + " must be an absolute path (starting with '/'), not \"" +
                             text + "\"");
            }
            break;
        case StringRule::log_level:
            if (text != "trace" && text != "debug" && text != "info" && text != "warn" &&
                text != "error") {
                return error(where(name) +
                             " must be one of trace, debug, info, warn, error, not \"" + text +
                             "\"");
            }
            break;
        case StringRule::zone_list:
            if (!valid_zone_list(text)) {
                return error(where(name) +
                             " must be comma-separated DNS zones such as \"zen.spamhaus.org, "
                             "bl.example\", not \"" +
                             text + "\"");
            }
            break;
        case StringRule::backend:
            if (text != "sqlite") {
                return error(where(name) + " must be \"sqlite\" (the only backend so far), not \"" +
                             text + "\"");
            }
            break;
    }
    out = text;
    return {};
}

Status Parser::listeners(const toml::node& node, Config& config) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        if (array == nullptr || !array->empty()) {
            return error("'listen' at line " + line_of(node.source()) +
                         " must be an array of tables ([[listen]]), not " +
                         std::string(type_name(node)));
        }
    }
    for (const auto& element : *array) {
        auto l = listener(*element.as_table());
        if (!l) return l.failure();
        config.listeners.push_back(*l);
        listener_lines_.push_back(line_of(element.source()));
    }
    return {};
}

Result<Listener> Parser::listener(const toml::table& table) {
    std::string at = " in the [[listen]] at line " + line_of(table.source());
    for (auto&& [key, node] : table) {
        bool known = false;
        for (auto k : detail::listen_keys())
            known = known || k == key.str();
        if (!known) return unknown("key", "listen." + std::string(key.str()), key.source());
    }
    Listener l;
    if (table.get("protocol") == nullptr) {
        return error("'protocol' is required" + at + " (smtp, submission, imap or pop3)");
    }
    auto protocol = table["protocol"].value<std::string>();
    if (!protocol)
        return error("protocol" + at + " must be a string: smtp, submission, imap or pop3");
    if (*protocol == "smtp")
        l.protocol = Protocol::smtp;
    else if (*protocol == "submission")
        l.protocol = Protocol::submission;
    else if (*protocol == "imap")
        l.protocol = Protocol::imap;
    else if (*protocol == "pop3")
        l.protocol = Protocol::pop3;
    else
        return error("protocol" + at + " must be smtp, submission, imap or pop3, not \"" +
                     *protocol + "\"");

    if (const auto* node = table.get("tls")) {
        auto tls = node->value<std::string>();
        if (tls && *tls == "none")
            l.tls = TlsMode::none;
        else if (tls && *tls == "starttls")
            l.tls = TlsMode::starttls;
        else if (tls && *tls == "implicit")
            l.tls = TlsMode::implicit;
        else
            return error("tls" + at + " must be \"none\", \"starttls\" or \"implicit\"");
    }
    // RFC 8314 3.3 defines implicit TLS for submission (465), IMAP and POP3; MTAs
    // reach port 25 in plain text and upgrade with STARTTLS (RFC 3207), so an
    // implicit-TLS smtp listener could never receive mail from the internet.
    if (l.protocol == Protocol::smtp && l.tls == TlsMode::implicit) {
        return error("tls = \"implicit\" is not allowed for protocol smtp" + at +
                     ": other servers use STARTTLS on port 25 (RFC 3207); use protocol "
                     "\"submission\" for port 465");
    }
    if (const auto* node = table.get("address")) {
        auto address = node->value<std::string>();
        if (!address || !valid_ip(*address)) {
            return error("address" + at +
                         " must be an IPv4 or IPv6 address such as \"0.0.0.0\" or \"::\"");
        }
        l.address = *address;
    }
    l.port = standard_port(l.protocol, l.tls);
    if (const auto* node = table.get("port")) {
        const auto* v = node->as_integer();
        if (v == nullptr || v->get() < 1 || v->get() > 65535) {
            return error("port" + at + " must be an integer from 1 to 65535");
        }
        l.port = static_cast<uint16_t>(v->get());
    }
    return l;
}

Status Parser::transports(const toml::node& node, Config& config) {
    const toml::array* array = node.as_array();
    if (array == nullptr || (!array->is_array_of_tables() && !array->empty())) {
        return error("'transport' at line " + line_of(node.source()) +
                     " must be an array of tables ([[transport]]), not " +
                     std::string(type_name(node)));
    }
    for (const auto& element : *array) {
        auto t = transport(*element.as_table());
        if (!t) return t.failure();
        for (const Transport& other : config.transports) {
            if (other.domain == t->domain) {
                return error("two [[transport]] tables for domain \"" + t->domain +
                             "\" (the second at line " + line_of(element.source()) + "); keep one");
            }
        }
        config.transports.push_back(std::move(*t));
    }
    return {};
}

// A domain name in presentation form: letters, digits, hyphens and dots.
bool plain_domain(std::string_view d) {
    if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
    for (char c : d) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.';
        if (!ok) return false;
    }
    return d.find("..") == std::string_view::npos;
}

Result<Transport> Parser::transport(const toml::table& table) {
    std::string at = " in the [[transport]] at line " + line_of(table.source());
    for (auto&& [key, node] : table) {
        bool known = false;
        for (auto k : detail::transport_keys())
            known = known || k == key.str();
        if (!known) return unknown("key", "transport." + std::string(key.str()), key.source());
        if (!node.is_string()) return error(std::string(key.str()) + at + " must be a string");
    }
    Transport t;
    t.domain = table["domain"].value_or(std::string());
    std::string domain = t.domain;
    if (!domain.empty() && domain.front() == '.') domain.erase(0, 1);
    if (t.domain != "*" && !plain_domain(domain)) {
        return error("domain" + at +
                     " must be a domain (\"example.com\"), its subdomains (\".example.com\") "
                     "or \"*\" for every other domain");
    }
    for (char& c : t.domain)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    t.relay = table["relay"].value_or(std::string());
    if (!t.relay.empty() && !parse_relay(t.relay, 25)) {
        return error("relay" + at +
                     " must be \"host\", \"host:port\", \"[host]\" or "
                     "\"[host]:port\" (brackets: no MX lookup), not \"" +
                     t.relay + "\"");
    }
    std::string tls = table["tls"].value_or(std::string("standard"));
    if (tls == "standard")
        t.tls = TlsPolicy::standard;
    else if (tls == "none")
        t.tls = TlsPolicy::none;
    else if (tls == "may")
        t.tls = TlsPolicy::may;
    else if (tls == "encrypt")
        t.tls = TlsPolicy::encrypt;
    else if (tls == "verify")
        t.tls = TlsPolicy::verify;
    else
        return error("tls" + at +
                     " must be \"standard\", \"none\", \"may\", \"encrypt\" or "
                     "\"verify\", not \"" +
                     tls + "\"");
    t.user = table["user"].value_or(std::string());
    t.password_file = table["password_file"].value_or(std::string());
    if (!t.user.empty() && t.password_file.empty())
        return error("user" + at + " needs password_file (the file holding the password)");
    if (!t.password_file.empty() && t.password_file.front() != '/')
        return error("password_file" + at + " must be an absolute path");
    // AUTH sends a password: only to a relay that proved its name over TLS.
    if (!t.user.empty() && t.tls != TlsPolicy::verify)
        return error("user" + at +
                     " needs tls = \"verify\": the password is sent only to a "
                     "relay whose certificate checks out");
    if (!t.user.empty() && t.relay.empty())
        return error("user" + at + " needs a relay to log in to");
    return t;
}

Status Parser::cross_checks(const Config& config) const {
    const auto& auth = config.auth;
    // RFC 9106 3.1: the memory size m is at least 8*p KiB.
    if (static_cast<uint64_t>(auth.argon2_memory_kib) < 8ull * auth.argon2_parallelism) {
        return error(where("auth.argon2_memory_kib") + " must be at least 8 times " +
                     where("auth.argon2_parallelism") + " (RFC 9106 3.1)");
    }
    if (config.limits.max_connections_per_ip > config.limits.max_connections) {
        return error(where("limits.max_connections_per_ip") + " must not exceed " +
                     where("limits.max_connections"));
    }
    if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
        return error(
            "tls.cert_file and tls.key_file must be set together (or both left out to "
            "use <data_dir>/tls/)");
    }
    return {};
}

Status Parser::listener_conflicts(const Config& config) const {
    const auto& ls = config.listeners;
    for (size_t i = 0; i < ls.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (ls[i].port != ls[j].port) continue;
            bool v6i = ls[i].address.find(':') != std::string::npos;
            bool v6j = ls[j].address.find(':') != std::string::npos;
            bool wildcard = ls[i].address == "0.0.0.0" || ls[j].address == "0.0.0.0" ||
                            ls[i].address == "::" || ls[j].address == "::";
            // A wildcard bind takes the port on every address of its family.
            if (ls[i].address == ls[j].address || (wildcard && v6i == v6j)) {
                return error("the [[listen]] at line " + listener_lines_[i] +
                             " uses the same port as the one at line " + listener_lines_[j] + " (" +
                             ls[i].address + " and " + ls[j].address + " port " +
                             std::to_string(ls[i].port) + ")");
            }
        }
    }
    return {};
}

std::string machine_hostname() {
    char buf[256] = {};
    if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
    return buf;
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        return fail(Errc::invalid, std::string(origin) + ":" + std::to_string(at.line) + ":" +
                                       std::to_string(at.column) + ": " +
                                       std::string(e.description()));
    }
    Config config;
    if (auto s = Parser(origin).run(root, config); !s) return s.failure();
    if (config.server.hostname.empty()) config.server.hostname = machine_hostname();
    if (config.listeners.empty()) config.listeners = default_listeners();
    return config;
}

}  // namespace tern::config

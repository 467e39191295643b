// CLI11 wiring for `tern`: declares the subcommands, parses, loads the
// configuration and dispatches to the command functions (admin.hpp).
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/admin.hpp"
#include "cli/sendmail.hpp"

namespace tern::cli {

namespace {

using detail::failed;

constexpr const char* kDefaultConfig = "/etc/tern/tern.toml";

struct Globals {
    std::string config_path = kDefaultConfig;
    bool dev = false;
};

std::optional<config::Config> load(const Globals& g) {
    if (g.dev) return config::dev_config();
    auto config = config::load_config(g.config_path);
    if (config) return *config;
    if (config.error().code == Errc::not_found) {
        failed(config.error().message,
               "Pass -c FILE to name your configuration file, or --dev for a development setup "
               "(see docs/configuration.md)");
    } else {
        failed(config.error().message,
               "Fix it and check it with `tern config check " + g.config_path + "`");
    }
    return std::nullopt;
}

int config_check(const Globals& g, const std::string& file) {
    if (file.empty() && g.dev) {
        std::cout << "config OK: " << config::dev_config().listeners.size()
                  << " listeners (dev mode, no file)\n";
        return 0;
    }
    std::string path = file.empty() ? g.config_path : file;
    auto config = config::load_config(path);
    if (!config) return failed(config.error().message, "Fix the file and run this check again");
    std::cout << "config OK: " << config->listeners.size() << " listeners\n";
    return 0;
}

// "tern user add" for the deepest subcommand the user reached.
std::string command_path(const CLI::App& app) {
    std::string path = "tern";
    const CLI::App* at = &app;
    while (true) {
        auto subs = at->get_subcommands();
        if (subs.empty()) return path;
        at = subs.front();
        path += " " + at->get_name();
    }
}

using Handler = int (*)(const config::Config&, const detail::Args&);

class Builder {
  public:
    Builder(Globals& globals, detail::Args& args, std::function<int()>& action)
        : globals_(globals), args_(args), action_(action) {}

    // A subcommand that loads the configuration and runs `handler`.
    CLI::App* admin(CLI::App* parent, const char* name, const char* description, Handler handler) {
        CLI::App* sub = parent->add_subcommand(name, description);
        sub->callback([this, handler] {
            action_ = [this, handler] {
                auto config = load(globals_);
                return config ? handler(*config, args_) : 1;
            };
        });
        return sub;
    }

  private:
    Globals& globals_;
    detail::Args& args_;
    std::function<int()>& action_;
};

void add_user_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* user = app.add_subcommand("user", "Manage mail accounts")->require_subcommand(1);
    CLI::App* add =
        b.admin(user, "add", "Create an account (asks for its password)", detail::user_add);
    add->add_option("ADDRESS", args.address, "local@domain; the domain must exist")->required();
    add->add_flag("--password-stdin", args.password_stdin,
                  "Read the password from one line of standard input instead of prompting");
    add->add_option("--quota", args.quota, "Storage quota in bytes (0: unlimited)")
        ->transform(CLI::AsSizeValue(false))
        ->type_name("BYTES");

    CLI::App* del = b.admin(user, "del", "Delete an account with all its mail", detail::user_del);
    del->add_option("ADDRESS", args.address, "The account's address")->required();

    CLI::App* passwd = b.admin(user, "passwd", "Change an account's password", detail::user_passwd);
    passwd->add_option("ADDRESS", args.address, "The account's address")->required();
    passwd->add_flag("--password-stdin", args.password_stdin,
                     "Read the password from one line of standard input instead of prompting");

    CLI::App* list =
        b.admin(user, "list", "List accounts, of one domain or all", detail::user_list);
    list->add_option("DOMAIN", args.domain, "Only the accounts of this domain");
}

void add_domain_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* domain = app.add_subcommand("domain", "Manage the domains Tern receives mail for")
                           ->require_subcommand(1);
    b.admin(domain, "add", "Accept mail for a domain", detail::domain_add)
        ->add_option("DOMAIN", args.domain, "For example example.org")
        ->required();
    b.admin(domain, "del", "Stop accepting mail for a domain (it must have no users)",
            detail::domain_del)
        ->add_option("DOMAIN", args.domain, "The domain")
        ->required();
    b.admin(domain, "list", "List the domains", detail::domain_list);
}

void add_alias_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* alias =
        app.add_subcommand("alias", "Manage aliases (forwarding addresses)")->require_subcommand(1);
    CLI::App* add = b.admin(alias, "add", "Forward a local address to one or more addresses",
                            detail::alias_add);
    add->add_option("SOURCE", args.source, "local@domain, or @domain for a catch-all")->required();
    add->add_option("TARGET", args.targets, "Addresses to deliver to, local or external")
        ->required();
    CLI::App* del =
        b.admin(alias, "del", "Remove an alias, or one of its targets", detail::alias_del);
    del->add_option("SOURCE", args.source, "The alias's source address")->required();
    del->add_option("TARGET", args.target, "Remove only this target");
    b.admin(alias, "list", "List aliases, of one domain or all", detail::alias_list)
        ->add_option("DOMAIN", args.domain, "Only the aliases of this domain");
}

void add_mail_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* mail = app.add_subcommand("mail", "Look at stored messages (support and debugging)")
                         ->require_subcommand(1);
    CLI::App* list =
        b.admin(mail, "list", "List a mailbox: one line per message, \"UID SIZE FLAGS\"",
                detail::mail_list);
    list->add_option("ADDRESS", args.address, "The account's address")->required();
    list->add_option("MAILBOX", args.mailbox, "The mailbox (default INBOX)");
    CLI::App* show = b.admin(mail, "show", "Print one message's raw bytes, exactly as stored",
                             detail::mail_show);
    show->add_option("ADDRESS", args.address, "The account's address")->required();
    show->add_option("MAILBOX", args.mailbox, "The mailbox")->required();
    show->add_option("UID", args.uid, "The message's UID (see `tern mail list`)")->required();
}

void add_dkim_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* dkim = app.add_subcommand("dkim", "DKIM signing keys")->require_subcommand(1);
    CLI::App* keygen = b.admin(
        dkim, "keygen", "Make a signing key for a domain and print the DNS TXT record to publish",
        detail::dkim_keygen);
    keygen->add_option("DOMAIN", args.domain, "The signing domain (d=)")->required();
    keygen->add_option("--algorithm", args.algorithm, "rsa (2048-bit, rsa-sha256) or ed25519")
        ->capture_default_str();
    keygen->add_option("--selector", args.selector, "The selector (s=); default: rsa or ed");
    keygen->add_flag("--force", args.force, "Replace an existing key of that selector");
}

void add_dns_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* dns = app.add_subcommand("dns", "DNS set-up of mail domains")->require_subcommand(1);
    CLI::App* records = b.admin(
        dns, "records", "Print, in zone-file form, every DNS record a domain should publish",
        detail::dns_records);
    records->add_option("DOMAIN", args.domain, "A local domain (see `tern domain list`)")
        ->required();
    records->add_option("--ip", args.ipv4, "The mail host's public IPv4 address")
        ->type_name("IPV4");
    records->add_option("--ipv6", args.ipv6, "The mail host's public IPv6 address")
        ->type_name("IPV6");
    detail::add_dns_query(
        *b.admin(dns, "query", "Ask Tern's resolver for a name's records, with the DNSSEC AD bit",
                 detail::dns_query));
}

void add_queue_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* queue =
        app.add_subcommand("queue", "Inspect and manage the outbound queue")->require_subcommand(1);
    b.admin(queue, "list", "List queued messages and their waiting recipients (like mailq)",
            detail::queue_list);
    CLI::App* show = b.admin(queue, "show", "Show one queued message: every recipient's state",
                             detail::queue_show);
    show->add_option("ID", args.queue_id, "The message id (see `tern queue list`)")->required();
    show->add_flag("--message", args.with_message, "Also print the message itself");
    b.admin(queue, "flush", "Make every queued message due now (like postqueue -f)",
            detail::queue_flush);
    b.admin(queue, "retry", "Make one message due now", detail::queue_retry)
        ->add_option("ID", args.queue_id, "The message id")
        ->required();
    b.admin(queue, "delete", "Remove a message from the queue without telling its sender",
            detail::queue_delete)
        ->add_option("ID", args.queue_id, "The message id")
        ->required();
    b.admin(queue, "bounce", "Give up on a message now and send its sender a bounce (DSN)",
            detail::queue_bounce)
        ->add_option("ID", args.queue_id, "The message id")
        ->required();
}

void add_dmarc_commands(CLI::App& app, Builder& b, detail::Args& args) {
    CLI::App* dmarc = app.add_subcommand("dmarc", "DMARC aggregate reports (RFC 7489 7.2)")
                          ->require_subcommand(1);
    b.admin(dmarc, "pending", "List the report data collected and not sent yet",
            detail::dmarc_pending);
    b.admin(dmarc, "send", "Send the reports of past days now (tern serve sends them hourly)",
            detail::dmarc_send)
        ->add_flag("--include-today", args.include_today,
                   "Also report today so far (its rows are then gone)");
}

void add_store_commands(CLI::App& app, Builder& b) {
    CLI::App* store = app.add_subcommand("store", "Check the mail store")->require_subcommand(1);
    b.admin(store, "check", "Check the store's consistency; exit 1 and list problems if any",
            detail::store_check);
}

}  // namespace

int run(int argc, char** argv, const ServeFunction& serve) {
    // Called as "sendmail" (a link to tern), or as "tern sendmail": the
    // sendmail command line has its own, getopt-style syntax.
    std::string_view self = argc > 0 ? argv[0] : "";
    if (auto slash = self.rfind('/'); slash != std::string_view::npos)
        self.remove_prefix(slash + 1);
    if (self == "sendmail") return sendmail_main(argc, argv);
    if (argc > 1 && std::string_view(argv[1]) == "sendmail")
        return sendmail_main(argc - 1, argv + 1);
    CLI::App app{"Tern: a complete mail server in one program", "tern"};
    // Inherited by every subcommand: options they do not know (--config,
    // --dev) go up to this app, so `tern user list --dev` works.
    app.fallthrough();
    app.require_subcommand(1);
    Globals globals;
    detail::Args args;
    std::function<int()> action;
    std::string check_file;

    app.footer("-c/--config FILE and --dev work before or after any subcommand. See docs/cli.md.");
    app.add_option("-c,--config", globals.config_path, "Configuration file")
        ->type_name("FILE")
        ->capture_default_str();
    app.add_flag("--dev", globals.dev,
                 "Development mode: no configuration file, data in ./var/dev, ports on 127.0.0.1");

    app.add_subcommand("serve", "Run the mail server in the foreground")->callback([&] {
        action = [&] {
            auto config = load(globals);
            return config ? serve(*config) : 1;
        };
    });
    Builder builder(globals, args, action);
    add_user_commands(app, builder, args);
    add_domain_commands(app, builder, args);
    add_alias_commands(app, builder, args);
    add_mail_commands(app, builder, args);
    add_store_commands(app, builder);
    add_queue_commands(app, builder, args);
    add_dmarc_commands(app, builder, args);
    add_dkim_commands(app, builder, args);
    add_dns_commands(app, builder, args);

    CLI::App* config =
        app.add_subcommand("config", "Work with the configuration file")->require_subcommand(1);
    config->add_subcommand("check", "Validate a configuration file and report the first error")
        ->callback([&] { action = [&] { return config_check(globals, check_file); }; })
        ->add_option("FILE", check_file, "The file to check (default: the -c file)");

    app.add_subcommand("version", "Print Tern's version")->callback([&] {
        action = [] {
            std::cout << "tern " << TERN_VERSION << "\n";
            return 0;
        };
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e, std::cout, std::cerr);  // --help
        std::string where = command_path(app);
        // CLI11 reports a mistyped subcommand as "A subcommand is required"
        // and keeps the word among the leftovers: name it instead.
        auto leftovers = app.remaining();
        if (!leftovers.empty() && leftovers.front().rfind('-', 0) != 0) {
            return failed("unknown command '" + leftovers.front() + "' for `" + where + "`",
                          "See `" + where + " --help`");
        }
        return failed(e.what(), "See `" + where + " --help`");
    }
    if (!action) return failed("no command given", "See `tern --help`");
    try {
        return action();
    } catch (const std::exception& e) {
        // Only a broken invariant gets here; still exit cleanly with a message.
        return failed(std::string("internal error: ") + e.what(), "Please report this bug");
    }
}

}  // namespace tern::cli

#include "cli/sendmail.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "base/random_id.hpp"
#include "base/strings.hpp"
#include "base/time.hpp"
#include "cli/bootstrap.hpp"
#include "config/config.hpp"
#include "delivery/local_delivery.hpp"
#include "delivery/router.hpp"
#include "queue/enqueue.hpp"
#include "smtp/server/headers.hpp"

namespace tern::cli {
namespace {

constexpr int kExUsage = 64, kExDataErr = 65, kExNoUser = 67, kExSoftware = 70, kExTempFail = 75,
              kExConfig = 78;

struct Options {
    bool read_headers = false;  // -t
    bool ignore_dots = false;   // -i, -oi
    bool dev = false;
    std::string sender;     // -f
    std::string full_name;  // -F
    std::string config = "/etc/tern/tern.toml";
    std::vector<std::string> recipients;
};

int usage(const std::string& why) {
    std::cerr
        << "sendmail: " << why
        << "\nusage: sendmail [-t] [-i] [-f SENDER] [-F NAME] [-C CONFIG] [--dev] [RECIPIENT...]\n";
    return kExUsage;
}

void print_help() {
    std::cout
        << "Usage: tern sendmail [-t] [-i | -oi] [-f SENDER] [-F FULLNAME] [-C CONFIG] [--dev] "
           "[--] [RECIPIENT...]\n\n"
           "Reads a message on standard input and delivers it, like sendmail(1).\n"
           "  -t          also send to the To, Cc and Bcc addresses (Bcc is removed)\n"
           "  -i, -oi     a line with a single '.' does not end the message\n"
           "  -f SENDER   envelope sender (default: your login @ server.hostname)\n"
           "  -F NAME     full name for a From: header that is added\n"
           "  -C CONFIG   configuration file (default /etc/tern/tern.toml); also -c\n"
           "  --dev       use the development setup (./var/dev)\n"
           "Other sendmail options (-odi, -oem, -v, -N ...) are accepted and ignored.\n";
}

// Parses sendmail's getopt-style options; returns an exit code on error.
std::optional<int> parse(int argc, char** argv, Options& o) {
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (options_done || a.size() < 2 || a[0] != '-') {
            o.recipients.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        if (a == "--dev") {
            o.dev = true;
            continue;
        }
        if (a == "--help" || a == "-h") {
            print_help();
            return 0;
        }
        char c = a[1];
        std::string rest = a.substr(2);
        auto value = [&]() -> std::optional<std::string> {
            if (!rest.empty()) return rest;
            if (i + 1 < argc) return std::string(argv[++i]);
            return std::nullopt;
        };
        switch (c) {
            case 't':
                o.read_headers = true;
                break;
            case 'i':
                o.ignore_dots = true;
                break;
            case 'v':
            case 'm':
            case 'n':
            case 'U':
                break;
            case 'o':
                if (rest == "i")
                    o.ignore_dots = true;
                else if (rest.empty() && i + 1 < argc)
                    ++i;  // "-o X": ignored option with value
                break;
            case 'f':
            case 'r': {
                auto v = value();
                if (!v) return usage("-f needs an address");
                o.sender = *v;
                break;
            }
            case 'F': {
                auto v = value();
                if (!v) return usage("-F needs a name");
                o.full_name = *v;
                break;
            }
            case 'C':
            case 'c': {
                auto v = value();
                if (!v) return usage("-C needs a file");
                o.config = *v;
                break;
            }
            case 'b':
                if (rest == "m" || rest.empty()) break;
                if (rest == "i") return 0;  // newaliases: aliases live in the store
                return usage("mode -b" + rest + " is not supported (use `tern queue` or SMTP)");
            case 'N':
            case 'R':
            case 'V':
            case 'X':
            case 'B':
            case 'L':
            case 'O':
            case 'q':
                if (rest.empty() && i + 1 < argc && c != 'q') ++i;
                break;
            default:
                return usage("unknown option " + a);
        }
    }
    return std::nullopt;
}

// Reads standard input into CRLF lines; without -i, stops at a "." line.
std::string read_message(bool ignore_dots) {
    std::string out, line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!ignore_dots && line == ".") break;
        out += line;
        out += "\r\n";
    }
    return out;
}

// Removes Bcc fields (and their continuation lines) from the header block.
std::string strip_bcc(const std::string& msg, std::size_t header_end) {
    std::string out;
    std::size_t pos = 0;
    bool skipping = false;
    while (pos < header_end) {
        std::size_t eol = msg.find('\n', pos);
        std::size_t next = eol == std::string::npos ? header_end : std::min(eol + 1, header_end);
        std::string_view line(msg.data() + pos, next - pos);
        bool cont = !line.empty() && (line[0] == ' ' || line[0] == '\t');
        if (!cont) skipping = istarts_with(line, "bcc:");
        if (!skipping) out.append(line);
        pos = next;
    }
    out.append(msg, header_end, std::string::npos);
    return out;
}

// RFC 6152: such a message travels with BODY=8BITMIME.
bool has_8bit(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}

std::string login_name() {
    if (passwd* pw = getpwuid(getuid())) return pw->pw_name;
    return "uid" + std::to_string(getuid());
}

}  // namespace

int sendmail_main(int argc, char** argv) {
    Options o;
    if (auto code = parse(argc, argv, o)) return *code;
    config::Config cfg;
    if (o.dev) {
        cfg = config::dev_config();
    } else {
        auto loaded = config::load_config(o.config);
        if (!loaded) {
            std::cerr << "sendmail: " << loaded.error().message << "; pass -C FILE or --dev\n";
            return kExConfig;
        }
        cfg = std::move(*loaded);
    }
    const std::string& host = cfg.server.hostname;
    std::string login = login_name();
    std::string sender = o.sender.empty() ? login + "@" + host : o.sender;
    if (sender == "<>") sender.clear();

    std::string message = read_message(o.ignore_dots);
    if (message.empty()) {
        std::cerr << "sendmail: no message on standard input\n";
        return kExDataErr;
    }
    smtp::HeaderScan scan = smtp::scan_headers(message);
    std::vector<std::string> rcpts = o.recipients;
    if (o.read_headers) {
        std::string header(message, 0, scan.header_end);
        // Unfold, then take the addresses of To, Cc and Bcc.
        std::string unfolded;
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (header[i] == '\r' && i + 2 < header.size() && header[i + 1] == '\n' &&
                (header[i + 2] == ' ' || header[i + 2] == '\t')) {
                ++i;
                continue;
            }
            unfolded.push_back(header[i]);
        }
        for (const auto& raw_line : split(unfolded, '\n')) {
            std::string_view l = raw_line;
            for (const char* name : {"to:", "cc:", "bcc:"})
                if (istarts_with(l, name)) {
                    auto found = smtp::extract_addresses(l.substr(std::string_view(name).size()));
                    rcpts.insert(rcpts.end(), found.begin(), found.end());
                }
        }
        message = strip_bcc(message, scan.header_end);
        scan = smtp::scan_headers(message);
    }
    if (rcpts.empty()) return usage("no recipients (name them, or use -t)");

    auto store = open_store(cfg);
    if (!store) {
        std::cerr << "sendmail: cannot open the store: " << store.error().message << "\n";
        return kExTempFail;
    }
    delivery::Router router(**store);
    delivery::LocalMessage lm;
    store::NewQueued outbound;
    for (auto& r : rcpts) {
        if (r.find('@') == std::string::npos) r += "@" + host;
        auto res = router.resolve(r);
        if (!res) {
            std::cerr << "sendmail: " << r << ": " << res.error().message << "\n";
            return res.error().code == Errc::invalid ? kExDataErr : kExTempFail;
        }
        if (res->kind == delivery::Resolution::Kind::unknown) {
            std::cerr << "sendmail: " << r << ": no such local user\n";
            return kExNoUser;
        }
        // Other domains (and aliases' external targets) go to the queue;
        // the running server delivers them (queue.scan_interval_seconds).
        for (const auto& remote : res->remote)
            outbound.recipients.push_back({remote, "", ""});
        lm.targets.insert(lm.targets.end(), res->local.begin(), res->local.end());
    }
    if (lm.targets.empty() && outbound.recipients.empty()) {
        std::cerr << "sendmail: no deliverable recipients\n";
        return kExNoUser;
    }

    std::string id = random_id(12, kQueueIdAlphabet);
    int64_t now = unix_now();
    std::string trace = "Received: by " + host + " (Tern sendmail, from userid " +
                        std::to_string(getuid()) + ")\r\n\tid " + id + "; " + rfc5322_date(now) +
                        "\r\n";
    if (!scan.has_from) {
        trace += o.full_name.empty() ? "From: " + sender + "\r\n"
                                     : "From: \"" + o.full_name + "\" <" + sender + ">\r\n";
    }
    if (!scan.has_date) trace += "Date: " + rfc5322_date(now) + "\r\n";
    if (!scan.has_message_id)
        trace += "Message-ID: <" + id + "." + std::to_string(now) + "@" + host + ">\r\n";
    lm.return_path = sender;
    lm.content = trace + message;
    lm.internal_date = now;
    if (!outbound.recipients.empty()) {
        outbound.sender = sender;
        outbound.raw = lm.content;
        outbound.eight_bit = has_8bit(lm.content);
        auto queued = queue::enqueue(**store, std::move(outbound), now, nullptr);
        if (!queued) {
            (*store)->close();
            std::cerr << "sendmail: cannot queue the message: " << queued.error().message << "\n";
            return queued.error().code == Errc::invalid ? kExDataErr : kExTempFail;
        }
    }
    if (!lm.targets.empty()) {
        auto stored = delivery::deliver_local(**store, lm);
        if (!stored) {
            (*store)->close();
            std::cerr << "sendmail: delivery failed: " << stored.error().message << "\n";
            return stored.error().code == Errc::quota ? kExTempFail : kExSoftware;
        }
    }
    (*store)->close();
    return 0;
}

}  // namespace tern::cli

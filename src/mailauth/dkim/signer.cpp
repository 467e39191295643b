#include "mailauth/dkim/signer.hpp"

#include "base/strings.hpp"
#include "mailauth/dkim/signature.hpp"

namespace tern::mailauth::dkim {

namespace {

// Folds a tag-list under 78 columns (RFC 5322 2.1.1). A "glued" token
// follows the previous one without a space when it fits; any token may
// start a new line after CRLF TAB, which is FWS in every DKIM tag value.
class Folder {
  public:
    explicit Folder(std::string start) : out_(std::move(start)), line_(out_.size()) {}

    void add(std::string_view token, bool glued = false) {
        const std::size_t need = token.size() + (glued ? 0 : 1);
        if (line_ + need > 78 && line_ > 1) {
            out_ += "\r\n\t";
            line_ = 1;
        } else if (!glued) {
            out_ += ' ';
            ++line_;
        }
        out_ += token;
        line_ += token.size();
    }
    const std::string& text() const { return out_; }

  private:
    std::string out_;
    std::size_t line_;
};

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    for (const auto label : split(name, '.')) {
        if (label.empty() || label.size() > 63) return false;
        for (char c : label) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_')) {
                return false;
            }
        }
    }
    return true;
}

std::size_t count_fields(const Message& message, std::string_view name) {
    std::size_t n = 0;
    for (const auto& field : message.headers) {
        if (iequals(field.name, name)) ++n;
    }
    return n;
}

// RFC 6376 5.4.2: list each name as often as it occurs, plus one for the
// oversigned names (signing the absence of a further instance).
std::vector<std::string> choose_headers(const Message& message, const SignOptions& options) {
    const auto& names = options.headers.empty() ? default_signed_headers() : options.headers;
    std::vector<std::string> chosen;
    auto listed = [&](std::string_view name) {
        for (const auto& c : chosen) {
            if (iequals(c, name)) return true;
        }
        return false;
    };
    for (const auto& name : names) {
        if (listed(name)) continue;
        std::size_t n = count_fields(message, name);
        for (const auto& over : options.oversign) {
            if (iequals(over, name)) ++n;
        }
        for (std::size_t k = 0; k < n; ++k)
            chosen.push_back(name);
    }
    for (const auto& over : options.oversign) {
        if (!listed(over)) {
            for (std::size_t k = 0; k <= count_fields(message, over); ++k)
                chosen.push_back(over);
        }
    }
    return chosen;
}

}  // namespace

const std::vector<std::string>& default_signed_headers() {
    static const std::vector<std::string> names{"From",
                                                "Sender",
                                                "Reply-To",
                                                "Subject",
                                                "Date",
                                                "Message-ID",
                                                "To",
                                                "Cc",
                                                "MIME-Version",
                                                "Content-Type",
                                                "Content-Transfer-Encoding",
                                                "Content-ID",
                                                "Content-Description",
                                                "Resent-Date",
                                                "Resent-From",
                                                "Resent-Sender",
                                                "Resent-To",
                                                "Resent-Cc",
                                                "Resent-Message-ID",
                                                "In-Reply-To",
                                                "References",
                                                "List-Id",
                                                "List-Help",
                                                "List-Unsubscribe",
                                                "List-Unsubscribe-Post",
                                                "List-Subscribe",
                                                "List-Post",
                                                "List-Owner",
                                                "List-Archive",
                                                "Autocrypt",
                                                "Feedback-ID"};
    return names;
}

Result<std::string> sign(std::string_view raw, const PrivateKey& key, const SignOptions& options) {
    if (!valid_name(options.domain)) return fail(Errc::invalid, "dkim sign: bad domain");
    if (!valid_name(options.selector)) return fail(Errc::invalid, "dkim sign: bad selector");
    // RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits.
    if (key.type() == KeyType::rsa && key.bits() < 1024) {
        return fail(Errc::invalid, "dkim sign: RSA key shorter than 1024 bits");
    }
    if (options.identity &&
        (options.identity->find('@') == std::string::npos ||
         !is_same_or_subdomain(identity_domain(*options.identity), options.domain))) {
        return fail(Errc::invalid, "dkim sign: i= is not within d=");
    }
    const Message message = split_message(raw);
    // RFC 6376 5.4: the From field MUST be signed, so it must exist.
    if (count_fields(message, "From") == 0) return fail(Errc::invalid, "dkim sign: no From field");

    std::string body = canonicalize_body(message.body, options.body_canon);
    const std::string bh = base64_encode(hash(HashAlg::sha256, body));
    const bool ed = key.type() == KeyType::ed25519;
    const auto canon_name = [](Canon c) { return c == Canon::simple ? "simple" : "relaxed"; };

    Folder f("DKIM-Signature:");
    f.add("v=1;");
    f.add(std::string("a=") + (ed ? "ed25519-sha256;" : "rsa-sha256;"));
    f.add(std::string("c=") + canon_name(options.header_canon) + "/" +
          canon_name(options.body_canon) + ";");
    f.add("d=" + options.domain + ";");
    f.add("s=" + options.selector + ";");
    if (options.identity) f.add("i=" + *options.identity + ";");
    if (options.timestamp) {
        f.add("t=" + std::to_string(*options.timestamp) + ";");
        if (options.expire_after) {
            f.add("x=" + std::to_string(*options.timestamp + *options.expire_after) + ";");
        }
    }
    if (options.body_length) f.add("l=" + std::to_string(body.size()) + ";");
    const std::vector<std::string> names = choose_headers(message, options);
    for (std::size_t k = 0; k < names.size(); ++k) {
        const std::string token =
            (k == 0 ? "h=" : "") + names[k] + (k + 1 < names.size() ? ":" : ";");
        f.add(token, k != 0);
    }
    f.add("bh=" + bh + ";");
    f.add("b=");
    // RFC 6376 3.7: the signature field is hashed with an empty b= value.
    const std::string data = header_hash_input(message, names, options.header_canon, f.text());
    auto sig = key.sign(ed ? hash(HashAlg::sha256, data) : data);
    if (!sig) return sig.failure();
    const std::string b = base64_encode(*sig);
    for (std::size_t k = 0; k < b.size(); k += 8)
        f.add(std::string_view(b).substr(k, 8), true);
    return f.text() + "\r\n";
}

Result<std::string> sign_all(std::string_view message, const std::vector<SigningKey>& keys) {
    std::string fields;
    for (const auto& k : keys) {
        if (k.key == nullptr) return fail(Errc::invalid, "dkim sign: no key");
        auto field = sign(message, *k.key, k.options);
        if (!field) return field.failure();
        fields += *field;
    }
    return fields;
}

std::string key_record_text(const PrivateKey& key) {
    const bool ed = key.type() == KeyType::ed25519;
    return std::string("v=DKIM1; k=") + (ed ? "ed25519" : "rsa") +
           "; p=" + base64_encode(key.public_der());
}

}  // namespace tern::mailauth::dkim

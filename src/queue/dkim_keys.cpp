#include "queue/dkim_keys.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "mailauth/dkim/signer.hpp"
#include "mailauth/dmarc/from_domain.hpp"

namespace tern::queue {

namespace dkim = mailauth::dkim;

std::shared_ptr<const DkimKeyring> DkimKeyring::load(const std::string& dir) {
    auto ring = std::make_shared<DkimKeyring>();
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".pem") files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // selectors in a stable order
    for (const auto& path : files) {
        // "<domain>.<selector>.pem": the selector is the last label.
        std::string stem = path.stem().string();
        auto dot = stem.rfind('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == stem.size()) continue;
        std::ifstream in(path);
        std::stringstream pem;
        pem << in.rdbuf();
        auto key = dkim::PrivateKey::from_pem(pem.str());
        if (!key) {
            log::warn("dkim.key_unreadable")
                .kv("file", path.string())
                .kv("error", key.error().message);
            continue;
        }
        ring->by_domain_[to_lower(stem.substr(0, dot))].push_back(
            Key{stem.substr(dot + 1), std::move(*key)});
    }
    return ring;
}

std::size_t DkimKeyring::size() const {
    std::size_t n = 0;
    for (const auto& [domain, keys] : by_domain_)
        n += keys.size();
    return n;
}

std::vector<DkimKeyring::KeyRef> DkimKeyring::keys_for(std::string_view domain) const {
    std::vector<KeyRef> out;
    auto it = by_domain_.find(to_lower(domain));
    if (it == by_domain_.end()) return out;
    for (const auto& k : it->second)
        out.push_back(KeyRef{k.selector, &k.key});
    return out;
}

Result<std::string> DkimKeyring::sign(std::string_view message, int64_t now) const {
    if (by_domain_.empty()) return std::string();
    auto from = mailauth::dmarc::from_domain(message);
    if (!from) return std::string();  // no single author domain: nothing to sign for
    std::string domain = to_lower(*from);
    // The From domain, then its parents ("a.b.example.org" → "b.example.org" → ...).
    for (std::string d = domain; !d.empty();) {
        auto it = by_domain_.find(d);
        if (it != by_domain_.end()) {
            std::vector<dkim::SigningKey> keys;
            for (const auto& k : it->second) {
                dkim::SigningKey sk;
                sk.key = &k.key;
                sk.options.domain = d;
                sk.options.selector = k.selector;
                sk.options.timestamp = now;
                keys.push_back(std::move(sk));
            }
            return dkim::sign_all(message, keys);
        }
        auto dot = d.find('.');
        if (dot == std::string::npos) break;
        d = d.substr(dot + 1);
        if (d.find('.') == std::string::npos) break;  // never sign for a TLD
    }
    return std::string();
}

}  // namespace tern::queue

// DkimKeyring: the DKIM signing keys `tern dkim keygen` keeps, used to sign
// mail as it leaves (issue 7 item 2: RFC 6376 with rsa-sha256 and RFC 8463
// ed25519-sha256, both when both exist, relaxed/relaxed, From oversigned).
//
// Keys are files <dir>/<domain>.<selector>.pem (dir is <data_dir>/dkim). A
// message is signed with every key of its From domain, or, when there is
// none, of the nearest parent domain that has keys (d= may be a parent of
// the From domain: DMARC relaxed alignment, RFC 7489 3.1.1). A message
// whose From domain has no key, or that has no single From, leaves
// unsigned. Unreadable key files are logged and skipped at load.
//
// Immutable after load(); share it between threads freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace tern::queue {

class DkimKeyring {
  public:
    // An empty keyring when the directory does not exist.
    static std::shared_ptr<const DkimKeyring> load(const std::string& dir);

    std::size_t size() const;
    // The DKIM-Signature fields to prepend (possibly empty: no key).
    // Errors come from signing itself (a message without From, ...).
    Result<std::string> sign(std::string_view message, int64_t now) const;

    // Read-only: the keys kept for exactly `domain` (any case), in selector
    // order; empty when it has none. For ARC sealing (RFC 8617 5.1) of mail
    // forwarded for one of our domains. Pointers live as long as the ring.
    struct KeyRef {
        std::string selector;
        const mailauth::dkim::PrivateKey* key = nullptr;
    };
    std::vector<KeyRef> keys_for(std::string_view domain) const;

  private:
    struct Key {
        std::string selector;
        mailauth::dkim::PrivateKey key;
    };
    std::map<std::string, std::vector<Key>> by_domain_;
};

}  // namespace tern::queue

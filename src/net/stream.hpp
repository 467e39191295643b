// Stream: the byte stream a session talks over, whatever carries it.
//
// The real implementation is TCP with optional TLS (tcp_stream.hpp); tests use
// an in-memory stream (testing/memory_stream.hpp), so a whole protocol session
// runs without sockets (STYLE.md 10). Reads and writes are bounded by the idle
// timeout the session sets; a read also ends when the server shuts down.
//
// The same Stream serves outbound connections (net/connect.hpp): there the
// client side of TLS is start_tls_client(), for SMTP STARTTLS as a client
// (RFC 3207), opportunistic (RFC 7435) or verified (RFC 8461 MTA-STS; the
// peer chain is handed back for DANE, RFC 7672).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/task.hpp"

namespace tern::net {

enum class IoStatus {
    ok,
    eof,       // the peer closed the connection
    timeout,   // nothing arrived (or could be sent) within the idle timeout
    shutdown,  // the server is stopping: say goodbye and return
    error,     // reset, TLS failure, ...
    woken,     // an interruptible read was ended by waker() (nothing was read)
};

std::string_view to_string(IoStatus s);

struct TlsInfo {
    std::string version;  // "TLSv1.3"
    std::string cipher;   // "TLS_AES_256_GCM_SHA384"
    int bits = 0;
};

// One TLSA record (RFC 6698 2.1) for DANE authentication of a peer.
struct DaneTlsa {
    uint8_t usage = 0;          // 2 DANE-TA, 3 DANE-EE (RFC 7672 3.1: 0 and 1 are not for SMTP)
    uint8_t selector = 0;       // 0 full certificate, 1 SubjectPublicKeyInfo
    uint8_t matching_type = 0;  // 0 exact, 1 SHA2-256, 2 SHA2-512
    std::string data;           // raw bytes
};

// What the client side of a TLS handshake is asked to check.
struct ClientTlsParams {
    std::string server_name;               // SNI; also the name verified when verify is true
    bool verify = false;                   // check chain (ca_file or the system store) and name
    std::vector<std::string> match_names;  // when verify: names accepted (MTA-STS patterns, a
                                           // leading "*." matches one label); empty: server_name
    std::string ca_file;                   // empty: the system's default CA store
    // Non-empty: authenticate the peer by these TLSA records (RFC 7672 3)
    // instead of the CA store; server_name is the TLSA base domain and the
    // reference identifier for DANE-TA, match_names add more (RFC 7672
    // 3.2.2). DANE-EE matches ignore names and dates (RFC 7672 3.1.1).
    std::vector<DaneTlsa> dane;
};

// How the client side of a TLS handshake went.
struct ClientTlsResult {
    bool ok = false;    // handshake done (and verified when asked)
    std::string error;  // why not, for logs and DSN diagnostics
    TlsInfo info;
    // Chain and name checked and good (or a TLSA record matched). Reported
    // for opportunistic handshakes too when names were given, so logs can
    // tell authenticated sessions apart.
    bool verified = false;
    std::string dane_match;                   // "DANE-EE" or "DANE-TA" when a TLSA record matched
    std::vector<std::string> peer_chain_der;  // leaf first (for DANE, RFC 7672)
};

class Stream {
  public:
    virtual ~Stream() = default;

    // Reads at least one byte into buf (up to size). `n` is set to the count.
    // An `interruptible` read (a session waiting for its next command) ends
    // with IoStatus::shutdown when the server stops; other reads run on, so a
    // transaction under way can finish within the shutdown grace period.
    virtual Task<IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                                     bool interruptible) = 0;
    // Writes all of data.
    virtual Task<IoStatus> write_all(std::string_view data) = 0;

    // Server side of a TLS handshake on this connection (STARTTLS, or at once
    // for implicit TLS). False when TLS is not configured or the handshake
    // failed; the session should then close.
    virtual Task<bool> start_tls() = 0;
    virtual bool tls_available() const = 0;
    virtual bool tls_active() const = 0;
    virtual std::optional<TlsInfo> tls_info() const = 0;

    // Client side of TLS on this connection (SMTP STARTTLS as a client). TLS
    // 1.2 or later. Without params.verify the handshake is still done and
    // the result says verified=false (opportunistic TLS, RFC 7435); with it,
    // a chain or name that does not check out fails the handshake (ok=false,
    // error says why). After a failure the connection is unusable: close it.
    // The default (streams that cannot do this) answers ok=false.
    virtual Task<ClientTlsResult> start_tls_client(const ClientTlsParams& params) {
        (void)params;
        ClientTlsResult r;
        r.error = "this connection cannot start TLS as a client";
        co_return r;
    }

    // A wake-up for a session that waits for its client and for events at
    // the same time (IMAP IDLE, RFC 2177: new mail must be told at once,
    // without polling). The returned callable may be called from any thread:
    // the interruptible read under way then ends with IoStatus::woken (n = 0)
    // and the connection stays usable; with no such read under way, the next
    // interruptible read ends so at once (one wake-up is remembered, so none
    // is lost between a check and the read that follows it). Non-interruptible
    // reads are never cut short. The callable may outlive the stream (it then
    // does nothing) but not the event loop the stream runs on. Empty when the
    // stream cannot be woken (the default).
    virtual std::function<void()> waker() { return {}; }

    // Applies to every later read and write.
    virtual void set_timeout(std::chrono::milliseconds timeout) = 0;
    // The timeout set last; zero when the stream has none (tests).
    virtual std::chrono::milliseconds timeout() const { return std::chrono::milliseconds(0); }
    // True once the server asked sessions to finish (graceful shutdown).
    virtual bool stopping() const = 0;
    // Closes the connection; pending operations end.
    virtual void close() = 0;
};

}  // namespace tern::net

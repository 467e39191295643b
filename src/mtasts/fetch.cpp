#include "mtasts/fetch.hpp"

#include "base/strings.hpp"
#include "dns/async_lookup.hpp"
#include "mtasts/http_response.hpp"
#include "mtasts/policy.hpp"
#include "net/connect.hpp"

namespace tern::mtasts {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What is left of the fetch's time; the Stream's per-operation timeout is
// set to it before every step, so the steps together end by the deadline.
milliseconds left_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : milliseconds(0);
}

Failure timed_out(const std::string& host, const FetchOptions& opts) {
    return fail(Errc::timeout, "no complete answer from " + host + " within " +
                                   std::to_string(opts.timeout.count()) + " ms");
}

Failure tls_failure(const std::string& host, const std::string& error) {
    if (error.find("timed out") != std::string::npos)
        return fail(Errc::timeout, "TLS with " + host + ": " + error);
    if (error.starts_with("certificate verification failed"))
        return fail(Errc::denied, "certificate for " + host + " does not verify: " + error);
    return fail(Errc::io, "TLS with " + host + " failed: " + error);
}

// RFC 8461 3.3: only a 200 carries a policy; a redirect is an error, not a
// hop, because following it would let the web server choose where policy
// comes from.
Status check_status(const std::string& host, unsigned status) {
    if (status == 200) return {};
    std::string what = "HTTP " + std::to_string(status) + " from " + host;
    if (status >= 300 && status < 400)
        return fail(Errc::invalid, what + ": redirects are not followed (RFC 8461 3.3)");
    if (status == 404 || status == 410) return fail(Errc::not_found, what);
    if (status >= 500 && status < 600) return fail(Errc::busy, what);
    return fail(Errc::invalid, what);
}

// RFC 8461 3.3: the media type must be text/plain; parameters such as
// charset may follow it.
Status check_media_type(const std::string& host, const std::string& content_type) {
    std::string_view type = content_type;
    type = trim(type.substr(0, type.find(';')));
    if (iequals(type, "text/plain")) return {};
    if (content_type.empty()) return fail(Errc::invalid, host + " sent no Content-Type");
    return fail(Errc::invalid,
                host + " sent media type '" + content_type + "', not text/plain (RFC 8461 3.3)");
}

std::string request_for(const std::string& host, uint16_t port) {
    // RFC 9110 7.2: Host names the port when it is not the scheme's default.
    std::string authority = port == 443 ? host : host + ":" + std::to_string(port);
    // RFC 8461 3.3: HTTP caching must not be used; no cache is in the path,
    // and Connection: close ends the exchange after one response.
    return "GET /.well-known/mta-sts.txt HTTP/1.1\r\n"
           "Host: " +
           authority +
           "\r\n"
           "User-Agent: tern/" TERN_VERSION
           "\r\n"
           "Accept: text/plain\r\n"
           "Connection: close\r\n\r\n";
}

// Reads the response off a TLS stream already set up.
net::Task<Result<std::string>> read_response(net::Stream& stream, const std::string& host,
                                             const FetchOptions& opts, Clock::time_point deadline) {
    HttpResponseReader reader(kMaxPolicyBytes);
    bool checked = false;
    std::string buf(16 * 1024, '\0');
    for (;;) {
        milliseconds left = left_until(deadline);
        if (left.count() == 0) co_return timed_out(host, opts);
        stream.set_timeout(left);
        std::size_t n = 0;
        auto reading = stream.read_some(buf.data(), buf.size(), n, false);
        net::IoStatus st = co_await std::move(reading);
        Result<bool> complete = false;
        if (st == net::IoStatus::ok)
            complete = reader.feed(std::string_view(buf.data(), n));
        else if (st == net::IoStatus::eof)
            complete = reader.finish();
        else if (st == net::IoStatus::timeout)
            co_return timed_out(host, opts);
        else
            co_return fail(Errc::io, "reading from " + host + " failed");
        if (!complete)
            co_return fail(complete.error().code, host + ": " + complete.error().message);
        // Refuse on the header alone: no need to read a body we will not use.
        if (reader.header_done() && !checked) {
            checked = true;
            Status s = check_status(host, reader.status());
            if (!s) co_return s.failure();
            s = check_media_type(host, reader.content_type());
            if (!s) co_return s.failure();
        }
        if (*complete) co_return reader.take_body();
    }
}

}  // namespace

net::Task<Result<std::string>> fetch_policy(std::string domain, FetchOptions opts) {
    // RFC 8461 3.3: the policy lives at https://mta-sts.<domain>/.well-known/mta-sts.txt.
    const std::string host = "mta-sts." + canonical_domain(domain);
    const Clock::time_point deadline = Clock::now() + opts.timeout;

    auto connecting = net::connect_tcp(opts.ip, opts.port, opts.timeout);
    auto connected = co_await std::move(connecting);
    if (!connected) {
        const Error& e = connected.error();
        co_return fail(e.code, "cannot connect to " + host + ": " + e.message);
    }
    std::unique_ptr<net::Stream> stream = std::move(*connected);

    milliseconds left = left_until(deadline);
    if (left.count() == 0) co_return timed_out(host, opts);
    stream->set_timeout(left);
    // RFC 8461 3.3: the certificate must be valid for mta-sts.<domain>
    // (RFC 6125) and chain to a trusted root; SNI names the same host.
    net::ClientTlsParams tls;
    tls.server_name = host;
    tls.verify = true;
    tls.ca_file = opts.ca_file;
    auto handshaking = stream->start_tls_client(tls);
    net::ClientTlsResult shook = co_await std::move(handshaking);
    if (!shook.ok || !shook.verified) {
        stream->close();
        co_return tls_failure(host, shook.error.empty() ? "not verified" : shook.error);
    }

    left = left_until(deadline);
    if (left.count() == 0) co_return timed_out(host, opts);
    stream->set_timeout(left);
    const std::string request = request_for(host, opts.port);
    auto writing = stream->write_all(request);
    net::IoStatus wrote = co_await std::move(writing);
    if (wrote != net::IoStatus::ok) {
        stream->close();
        if (wrote == net::IoStatus::timeout) co_return timed_out(host, opts);
        co_return fail(Errc::io, "sending the request to " + host + " failed");
    }

    auto reading = read_response(*stream, host, opts, deadline);
    Result<std::string> body = co_await std::move(reading);
    stream->close();
    co_return body;
}

net::Task<Result<std::string>> fetch_policy_resolved(dns::Resolver& resolver, std::string domain,
                                                     FetchOptions opts) {
    const std::string host = "mta-sts." + canonical_domain(domain);
    const Clock::time_point deadline = Clock::now() + opts.timeout;
    std::vector<dns::Question> questions{{host, dns::RecordType::a}, {host, dns::RecordType::aaaa}};
    auto resolving = dns::async_lookup_all(resolver, std::move(questions));
    std::vector<dns::Answer> answers = co_await std::move(resolving);
    std::vector<std::string> ips;
    std::string dns_trouble;
    for (const dns::Answer& a : answers) {
        if (!a.ok() && a.rcode != dns::Rcode::nxdomain)
            dns_trouble = std::string(dns::to_string(a.rcode));
        for (const dns::IpAddress& ip : a.addresses)
            ips.push_back(ip.to_string());
    }
    if (ips.empty()) {
        if (!dns_trouble.empty())
            co_return fail(Errc::busy, "cannot resolve " + host + ": " + dns_trouble);
        co_return fail(Errc::not_found, host + " has no address");
    }
    Result<std::string> last = fail(Errc::internal, "no address tried");
    for (const std::string& ip : ips) {
        milliseconds left = left_until(deadline);
        if (left.count() == 0) co_return timed_out(host, opts);
        FetchOptions one = opts;
        one.ip = ip;
        one.timeout = left;
        auto fetching = fetch_policy(domain, one);
        last = co_await std::move(fetching);
        if (last) co_return last;
    }
    co_return last;
}

}  // namespace tern::mtasts

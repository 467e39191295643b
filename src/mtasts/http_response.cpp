#include "mtasts/http_response.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

namespace tern::mtasts {

namespace http = boost::beast::http;

struct HttpResponseReader::Impl {
    std::size_t body_limit;
    std::size_t header_limit;
    std::optional<http::response_parser<http::string_body>> parser;
    std::string pending;  // bytes the parser has not consumed yet

    void start() {
        parser.emplace();
        // Eager: parse the body in the same put() as the header when the
        // bytes are there, instead of stopping after the header.
        parser->eager(true);
        parser->body_limit(body_limit);
        parser->header_limit(static_cast<std::uint32_t>(header_limit));
    }

    // RFC 9110 15.2: a 1xx response is interim; the final one follows on
    // the same connection (101 would switch protocols: not ours, final).
    bool interim() const {
        unsigned s = parser->get().result_int();
        return s >= 100 && s < 200 && s != 101;
    }

    Failure translate(const boost::beast::error_code& ec) const {
        if (ec == http::error::body_limit)
            return fail(Errc::limit, "the response body is larger than " +
                                         std::to_string(body_limit) + " bytes");
        if (ec == http::error::header_limit)
            return fail(Errc::limit, "the response header is larger than " +
                                         std::to_string(header_limit) + " bytes");
        if (ec == http::error::partial_message || ec == http::error::short_read)
            return fail(Errc::io, "the connection closed before the response was complete");
        return fail(Errc::invalid, "malformed HTTP response: " + ec.message());
    }
};

HttpResponseReader::HttpResponseReader(std::size_t body_limit, std::size_t header_limit)
    : impl_(std::make_unique<Impl>()) {
    impl_->body_limit = body_limit;
    impl_->header_limit = header_limit;
    impl_->start();
}

HttpResponseReader::~HttpResponseReader() = default;

Result<bool> HttpResponseReader::feed(std::string_view bytes) {
    Impl& d = *impl_;
    if (d.parser->is_done()) return true;
    d.pending.append(bytes);
    while (!d.pending.empty()) {
        boost::beast::error_code ec;
        std::size_t used =
            d.parser->put(boost::asio::buffer(d.pending.data(), d.pending.size()), ec);
        d.pending.erase(0, used);
        if (ec == http::error::need_more) break;  // keep the rest for the next read
        if (ec) return d.translate(ec);
        if (d.parser->is_done()) {
            if (!d.interim()) return true;
            d.start();  // the final response follows the interim one
            continue;
        }
        if (used == 0) break;
    }
    // Bytes the parser holds back for good are bounded by the header limit
    // and the chunk framing, so `pending` cannot grow without bound.
    return d.parser->is_done();
}

Result<bool> HttpResponseReader::finish() {
    Impl& d = *impl_;
    if (d.parser->is_done()) return true;
    if (!d.pending.empty()) {
        auto fed = feed({});
        if (!fed) return fed;
        if (*fed) return true;
    }
    // Beast asserts that put_eof() follows some input (got_some()); a peer
    // that closes before the status line is complete gets our own error.
    if (!d.parser->got_some() || !d.parser->is_header_done())
        return fail(Errc::io, "the connection closed before the response header was complete");
    boost::beast::error_code ec;
    d.parser->put_eof(ec);
    if (ec) return d.translate(ec);
    if (!d.parser->is_done())
        return fail(Errc::io, "the connection closed before the response was complete");
    return true;
}

bool HttpResponseReader::header_done() const {
    return impl_->parser->is_header_done();
}

bool HttpResponseReader::done() const {
    return impl_->parser->is_done();
}

unsigned HttpResponseReader::status() const {
    return impl_->parser->get().result_int();
}

std::string HttpResponseReader::content_type() const {
    const auto& fields = impl_->parser->get();
    auto it = fields.find(http::field::content_type);
    if (it == fields.end()) return {};
    return std::string(it->value());
}

std::string HttpResponseReader::take_body() {
    return std::move(impl_->parser->get().body());
}

}  // namespace tern::mtasts

// HttpResponseReader on its own: the framings RFC 9112 allows, fed whole
// and one byte at a time (STYLE.md 3).
#include "mtasts/http_response.hpp"

#include <gtest/gtest.h>

namespace tern::mtasts {
namespace {

struct Parsed {
    bool complete = false;
    std::optional<Error> error;
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

// Feeds `bytes` in pieces of `step` (0: all at once), then EOF when asked.
Parsed parse(std::string_view bytes, std::size_t step, bool eof, std::size_t limit = 1024) {
    HttpResponseReader r(limit);
    Parsed out;
    std::size_t n = step == 0 ? bytes.size() : step;
    for (std::size_t i = 0; i < bytes.size() && !out.complete; i += n) {
        auto fed = r.feed(bytes.substr(i, n));
        if (!fed) {
            out.error = fed.error();
            return out;
        }
        out.complete = *fed;
    }
    if (!out.complete && eof) {
        auto fin = r.finish();
        if (!fin) {
            out.error = fin.error();
            return out;
        }
        out.complete = *fin;
    }
    if (r.header_done()) {
        out.status = r.status();
        out.content_type = r.content_type();
    }
    if (out.complete) out.body = r.take_body();
    return out;
}

TEST(HttpResponseReader, ContentLength) {
    std::string msg =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
        "5\r\n\r\nhello";
    for (std::size_t step : {0, 1, 7}) {
        Parsed p = parse(msg, step, false);
        ASSERT_FALSE(p.error) << p.error->message;
        EXPECT_TRUE(p.complete) << step;
        EXPECT_EQ(p.status, 200u);
        EXPECT_EQ(p.content_type, "text/plain; charset=utf-8");
        EXPECT_EQ(p.body, "hello");
    }
}

TEST(HttpResponseReader, Chunked) {
    std::string msg =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
        "4\r\nvers\r\nb;ext=1\r\nion: STSv1\n\r\n0\r\n\r\n";
    for (std::size_t step : {0, 1, 3}) {
        Parsed p = parse(msg, step, false);
        ASSERT_FALSE(p.error) << p.error->message;
        EXPECT_TRUE(p.complete);
        EXPECT_EQ(p.body, "version: STSv1\n");
    }
}

TEST(HttpResponseReader, CloseDelimitedBodyEndsAtEof) {
    std::string msg = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nmode: none\n";
    Parsed p = parse(msg, 0, false);
    EXPECT_FALSE(p.complete);
    p = parse(msg, 1, true);
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_TRUE(p.complete);
    EXPECT_EQ(p.body, "mode: none\n");
}

TEST(HttpResponseReader, InterimResponsesAreSkipped) {
    std::string msg =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    Parsed p = parse(msg, 0, false);
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_TRUE(p.complete);
    EXPECT_EQ(p.status, 404u);
}

TEST(HttpResponseReader, BodyLimit) {
    std::string big(2000, 'x');
    Parsed p = parse("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + big, 0, false);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::limit);
    p = parse(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + big + "\r\n0\r\n\r\n", 100,
        false);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::limit);
    p = parse("HTTP/1.1 200 OK\r\n\r\n" + big, 64, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::limit);
}

TEST(HttpResponseReader, MalformedAndTruncated) {
    Parsed p = parse("SMTP/1.0 220 hello\r\n\r\n", 0, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::invalid);
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::io);
    p = parse("HTTP/1.1 200 OK\r\nContent-Le", 0, true);
    ASSERT_TRUE(p.error);
    // A peer that closes before sending anything (found by fuzz_mta_sts:
    // Beast asserts on end-of-input with no input).
    p = parse("", 0, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::io);
    p = parse("HTTP/1.1 2", 0, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::io);
    p = parse("HTTP/1.1 200 OK\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", 500, true);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, Errc::limit);
}

}  // namespace
}  // namespace tern::mtasts

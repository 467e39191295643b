// The stored view (message_view.hpp) must answer exactly as the bytes do:
// every message of the MIME corpus renders the same FETCH data with its
// view as without it, and views survive encoding and reject damage.
#include "imap/server/message_view.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "imap/proto/lexer.hpp"
#include "imap/server/fetch_render.hpp"
#include "imap/server/search_eval.hpp"
#include "mime/search_text.hpp"

namespace tern::imap {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus() {
    std::vector<fs::path> files;
    const char* root = std::getenv("TERN_TESTDATA");
    if (!root || !fs::exists(fs::path(root) / "mime")) return files;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(root) / "mime"))
        if (e.is_regular_file() && e.path().extension() == ".eml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<FetchItem> items(std::string_view text) {
    Lexer lex(text);
    bool macro = false;
    auto parsed = parse_fetch_items(lex, macro);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed ? *parsed : std::vector<FetchItem>{};
}

TEST(MessageView, EncodesAndDecodesEveryField) {
    MessageView v{true, "Subject: x\r\n\r\n", "(NIL \"x\" NIL)", "(\"TEXT\")", "(\"TEXT\" 1:2)"};
    auto back = decode_view(encode_view(v));
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(back->header_cached);
    EXPECT_EQ(back->header, v.header);
    EXPECT_EQ(back->envelope, v.envelope);
    EXPECT_EQ(back->body, v.body);
    EXPECT_EQ(back->bodystructure, v.bodystructure);
    const std::string good = encode_view(v);
    EXPECT_FALSE(decode_view(good.substr(0, good.size() - 1)).has_value());
    EXPECT_FALSE(decode_view(good + "x").has_value());
    EXPECT_FALSE(decode_view("IV0" + good.substr(3)).has_value());
    EXPECT_FALSE(decode_view("").has_value());
    EXPECT_FALSE(decode_view("IV1199999999999999999999:").has_value());
}

TEST(MessageView, AHugeHeaderIsNotKept) {
    std::string raw = "X-Big: " + std::string(kMaxHeaderBlock, 'a') + "\r\n\r\nbody\r\n";
    const MessageView v = make_view(raw);
    EXPECT_FALSE(v.header_cached);
    EXPECT_TRUE(v.header.empty());
    EXPECT_FALSE(v.envelope.empty());
}

TEST(MessageView, CorpusRendersTheSameWithAndWithoutTheView) {
    const auto files = corpus();
    ASSERT_GE(files.size(), 150u) << "TERN_TESTDATA/mime not found";
    const auto wanted = items(
        "(UID ENVELOPE BODY BODYSTRUCTURE RFC822.HEADER BODY.PEEK[HEADER] "
        "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)] "
        "BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED)]<0.100> BODY.PEEK[HEADER.FIELDS (NONE)])");
    ASSERT_EQ(wanted.size(), 9u);
    store::Message m;
    m.uid = 7;
    std::size_t with_header = 0;
    for (const auto& file : files) {
        const std::string raw = slurp(file);
        const MessageView view = make_view(raw);
        with_header += view.header_cached ? 1 : 0;
        MessageSource from_view(raw, decode_view(encode_view(view)));
        MessageSource from_bytes(raw);
        ASSERT_NE(from_view.view(), nullptr);
        ASSERT_EQ(from_bytes.view(), nullptr);
        auto a = render_fetch(wanted, m, &from_view);
        auto b = render_fetch(wanted, m, &from_bytes);
        ASSERT_TRUE(a.ok() && b.ok()) << file;
        EXPECT_EQ(*a, *b) << file;
    }
    EXPECT_EQ(with_header, files.size());
}

TEST(MessageView, DeriversGiveDecodedSearchText) {
    const store::Derivers d = store_derivers();
    const std::string raw =
        "From: a@example.org\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me\r\n"
        "--b\r\nContent-Type: application/pdf; name=report.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
    const store::IndexText t = d.text(raw);
    EXPECT_NE(t.header.find("Subject: Grüße\n"), std::string::npos) << t.header;
    EXPECT_NE(t.body.find("Café crème"), std::string::npos) << t.body;
    EXPECT_NE(t.body.find("report.pdf"), std::string::npos);
    EXPECT_EQ(t.body.find("JVBERi0"), std::string::npos);  // attachments are not text
    EXPECT_EQ(t.body.find('\r'), std::string::npos);
    ASSERT_TRUE(decode_view(d.view(raw)).has_value());
    // Without the index, SEARCH decodes the same way.
    EXPECT_TRUE(text_contains(raw, false, "CAFÉ CRÈME"));
    EXPECT_FALSE(text_contains(raw, false, "grüße"));
    EXPECT_TRUE(text_contains(raw, true, "grüße"));
}

// mime/search_text.hpp: each half of the index text stops at max_bytes.
TEST(MessageView, SearchTextIsCappedPerHalf) {
    const std::string raw =
        "Subject: " + std::string(500, 's') + "\r\n\r\n" + std::string(5000, 'b') + "\r\n";
    const mime::SearchText capped = mime::search_text(raw, 100);
    EXPECT_EQ(capped.header.size(), 100u);
    EXPECT_EQ(capped.body.size(), 100u);
    const mime::SearchText whole = mime::search_text(raw);
    EXPECT_EQ(whole.body, std::string(5000, 'b') + "\n\n");  // its line end, then the part break
}

}  // namespace
}  // namespace tern::imap

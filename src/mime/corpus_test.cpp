// Every message of ../shared/testdata/mime (PROVENANCE.md there: Stalwart's
// mail-parser and the Ruby Mail gem's fixtures, real-world and broken mail)
// parses, gives ENVELOPE/BODY/BODYSTRUCTURE that the strict RFC 9051 grammar
// checker accepts, and BODY[n] of each part has BODYSTRUCTURE's size.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mime/bodystructure.hpp"
#include "mime/envelope.hpp"
#include "mime/imap_grammar.hpp"
#include "mime/message.hpp"
#include "mime/section.hpp"

namespace tern::mime {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> files;
    const char* root = std::getenv("TERN_TESTDATA");
    if (!root) return files;
    fs::path dir = fs::path(root) / "mime";
    if (!fs::exists(dir)) return files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".eml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void check_message(const fs::path& path, const std::string& raw) {
    SCOPED_TRACE(path.string());
    Message m = parse(raw);
    EXPECT_GE(m.part_count, 1u);

    std::string env = envelope(m);
    auto env_check = testing::check_envelope(env);
    EXPECT_TRUE(env_check.ok) << env_check.error << "\n" << env;

    auto body = testing::check_body(bodystructure(m, false), false);
    EXPECT_TRUE(body.ok) << body.error << "\n" << bodystructure(m, false);
    std::string bs = bodystructure(m, true);
    auto ext = testing::check_body(bs, true);
    ASSERT_TRUE(ext.ok) << ext.error << "\n" << bs;
    ASSERT_EQ(ext.parts.size(), body.parts.size());
    ASSERT_FALSE(ext.parts.empty());

    for (const auto& part : ext.parts) {
        SCOPED_TRACE("part " + part.path + " " + part.type + " " + part.encoding);
        auto spec = parse_section(part.path);
        ASSERT_TRUE(spec.ok()) << spec.error().message;
        auto bytes = section_bytes(m, *spec);
        ASSERT_TRUE(bytes.ok()) << bytes.error().message;
        EXPECT_EQ(bytes->size(), part.octets);
        if (part.is_message) {
            auto header = parse_section(part.path + ".HEADER");
            ASSERT_TRUE(header.ok());
            auto h = section_bytes(m, *header);
            ASSERT_TRUE(h.ok()) << h.error().message;
            EXPECT_LE(h->size(), part.octets);
            continue;
        }
        auto decoded = binary_section(m, spec->path);
        const std::string& e = part.encoding;
        if (e == "7BIT" || e == "8BIT" || e == "BINARY") {
            ASSERT_TRUE(decoded.ok());
            EXPECT_EQ(decoded->size(), part.octets);
        } else if (e == "BASE64") {
            ASSERT_TRUE(decoded.ok());
            EXPECT_LE(decoded->size(), part.octets / 4 * 3 + 3);
        } else if (e == "QUOTED-PRINTABLE") {
            ASSERT_TRUE(decoded.ok());
            EXPECT_LE(decoded->size(), part.octets);
        } else {
            EXPECT_FALSE(decoded.ok());  // RFC 3516 UNKNOWN-CTE
        }
    }
}

TEST(MimeCorpus, EveryTestdataMessageGivesGrammaticalViews) {
    auto files = corpus_files();
    // PROVENANCE.md: 156 messages.
    ASSERT_GE(files.size(), 150u) << "TERN_TESTDATA/mime not found";
    for (const auto& f : files)
        check_message(f, read_file(f));
}

// The same messages cut at every 97th byte: still no crash and still grammatical.
TEST(MimeCorpus, TruncatedMessagesStayGrammatical) {
    auto files = corpus_files();
    ASSERT_FALSE(files.empty());
    for (std::size_t i = 0; i < files.size(); i += 7) {
        std::string raw = read_file(files[i]);
        for (std::size_t cut = 0; cut < raw.size(); cut += 97)
            check_message(files[i], raw.substr(0, cut));
    }
}

}  // namespace
}  // namespace tern::mime

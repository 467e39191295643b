// Cross-check against a second implementation: ../shared/testdata/mime
// keeps Stalwart mail-parser's own parse of each of its messages (NNN.json,
// byte offsets for LF input; PROVENANCE.md). For the well-formed folders
// (rfc/, thirdparty/) every entity must start and have its body where
// mail-parser says. malformed/ is left out: there the two readers
// legitimately decide differently (PROVENANCE.md: "not a normative oracle").
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mime/message.hpp"

namespace tern::mime {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// One message's entities in mail-parser's order: depth first, not entering
// message/rfc822 parts (their content is listed inside them).
void flatten(const Part& p, std::vector<const Part*>& out) {
    out.push_back(&p);
    if (p.kind == Kind::multipart)
        for (const auto& c : p.children)
            flatten(c, out);
}

void compare(const json::array& theirs, const Part& root, const std::string& where) {
    std::vector<const Part*> mine;
    flatten(root, mine);
    ASSERT_EQ(mine.size(), theirs.size()) << where;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        const json::object& t = theirs[i].as_object();
        SCOPED_TRACE(where + " part " + std::to_string(i));
        EXPECT_EQ(mine[i]->header_offset, t.at("offset_header").to_number<std::size_t>());
        EXPECT_EQ(mine[i]->body_offset, t.at("offset_body").to_number<std::size_t>());
        const json::value& body = t.at("body");
        if (body.is_object() && body.as_object().contains("Message")) {
            // mail-parser decodes a base64 message/rfc822 and parses it; Tern keeps
            // it an opaque leaf (RFC 2046 5.2.1 allows no such encoding).
            if (mine[i]->encoding == "base64" || mine[i]->encoding == "quoted-printable") {
                EXPECT_EQ(mine[i]->kind, Kind::leaf);
                continue;
            }
            ASSERT_EQ(mine[i]->kind, Kind::message);
            compare(body.at("Message").at("parts").as_array(), mine[i]->children[0], where + ">");
        }
    }
}

TEST(MimeCrossCheck, OffsetsMatchMailParserOnWellFormedMessages) {
    const char* root = std::getenv("TERN_TESTDATA");
    ASSERT_NE(root, nullptr);
    fs::path base = fs::path(root) / "mime" / "stalwart-mail-parser" / "eml";
    int compared = 0;
    for (const char* folder : {"rfc", "thirdparty"}) {
        for (const auto& e : fs::directory_iterator(base / folder)) {
            if (e.path().extension() != ".eml") continue;
            std::string raw = slurp(e.path());
            // The stored JSON gives offsets for LF input only.
            if (raw.find('\r') != std::string::npos) continue;
            // thirdparty/015: message/rfc822 parts whose headers run into the next
            // outer delimiter; mail-parser swallows the two parts that follow.
            if (e.path().filename() == "015.eml" && std::string(folder) == "thirdparty") continue;
            fs::path expected = e.path();
            expected.replace_extension(".json");
            json::value v = json::parse(slurp(expected));
            Message m = parse(raw);
            compare(v.at("parts").as_array(), m.root, e.path().string());
            ++compared;
        }
    }
    EXPECT_GE(compared, 20);
}

}  // namespace
}  // namespace tern::mime

// Cross-check with dkimpy (Debian python3-dkim), the check issue 7 names:
// dkimpy verifies Tern's signatures of a varied set of messages (both
// algorithms, 8-bit, long folded headers, multipart), and Tern verifies
// dkimpy's signatures of the same set. The keys are fresh (RSA 2048 and
// Ed25519); dkim_dkimpy.py serves their TXT records to dkimpy through its
// dnsfunc= argument, and the memory resolver serves them to Tern.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "base/time.hpp"
#include "mailauth/dkim/signer.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/temp_dir.hpp"

namespace tern::mailauth::dkim {
namespace {

std::vector<std::pair<std::string, std::string>> messages() {
    std::vector<std::pair<std::string, std::string>> m;
    m.emplace_back("ascii",
                   "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"
                   "Subject: Hello\r\nDate: Sun, 29 Nov 2026 20:30:52 +0000\r\n"
                   "Message-ID: <a1@example.com>\r\n\r\nHi Bob.\r\n");
    m.emplace_back("eightbit",
                   "From: =?UTF-8?Q?Ren=C3=A9?= <rene@example.com>\r\nTo: zoe@example.net\r\n"
                   "Subject: Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9\xe2\x80\xa6\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: 8bit\r\n\r\n"
                   "\xc3\x89t\xc3\xa9 \xe2\x82\xac 10  \r\n\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\r\n"
                   "latin-1 \xe9\xe8\r\n\r\n\r\n");
    std::string long_headers =
        "From: list-sender@example.com\r\nSubject: This subject goes on and on";
    for (int k = 0; k < 8; ++k)
        long_headers += "\r\n\tand continues on folded line number " + std::to_string(k);
    long_headers += "\r\nTo: ";
    for (int k = 0; k < 20; ++k) {
        long_headers += "Recipient Number " + std::to_string(k) + " <r" + std::to_string(k) +
                        "@example.net>" + (k < 19 ? ",\r\n  " : "\r\n");
    }
    long_headers += "References: ";
    for (int k = 0; k < 12; ++k)
        long_headers += "<ref" + std::to_string(k) + "@example.org>\r\n ";
    long_headers += "<last@example.org>\r\nReceived: from a\r\nReceived: from b\r\n\r\nBody.\r\n";
    m.emplace_back("long_headers", long_headers);
    m.emplace_back("multipart",
                   "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: Report\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=\"=_b1\"\r\n\r\n"
                   "This is a multi-part message in MIME format.\r\n\r\n"
                   "--=_b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                   "Na=C3=AFve text  with  spaces\t\r\n\r\n"
                   "--=_b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                   "<p>Na\xc3\xafve</p>\r\n"
                   "--=_b1\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment; filename=\"a.bin\"\r\n\r\n"
                   "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\r\n"
                   "MDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f\r\n"
                   "--=_b1--\r\n");
    m.emplace_back("empty_body",
                   "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: (none)\r\n\r\n");
    m.emplace_back(
        "whitespace",
        "FROM:   alice@example.com  \r\nsubject:\tmixed   case\t \r\nTo: b@example.net\r\n"
        "\r\n  leading\r\n\ttabs\t\tinside\r\n.dot line\r\ntrailing   \r\n\r\n \r\n\r\n");
    return m;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

TEST(DkimDkimpy, EachVerifiesTheOthersSignatures) {
    // dkimpy stamps t= from the real clock, so both sides use it here.
    const std::int64_t kNow = unix_now();
    auto rsa = PrivateKey::generate(KeyType::rsa, 2048);
    auto ed = PrivateKey::generate(KeyType::ed25519);
    ASSERT_TRUE(rsa.ok() && ed.ok());
    tern::testing::TempDir dir;
    tern::testing::MemoryResolver dns;
    const std::string rsa_record = key_record_text(*rsa);
    const std::string ed_record = key_record_text(*ed);
    dns.add_txt("rsa._domainkey.example.com", rsa_record);
    dns.add_txt("ed._domainkey.example.com", ed_record);
    write_file(dir.file("dns.txt"), "rsa._domainkey.example.com " + rsa_record +
                                        "\ned._domainkey.example.com " + ed_record + "\n");
    write_file(dir.file("rsa.pem"), rsa->to_pem_traditional());
    write_file(dir.file("ed25519.key"), base64_encode(ed->ed25519_seed()) + "\n");

    // Tern signs every message four ways: RSA and Ed25519, relaxed and simple.
    struct Way {
        const PrivateKey* key;
        const char* selector;
        Canon header;
        Canon body;
    };
    const Way ways[] = {{&*rsa, "rsa", Canon::relaxed, Canon::relaxed},
                        {&*ed, "ed", Canon::relaxed, Canon::relaxed},
                        {&*rsa, "rsa", Canon::simple, Canon::simple},
                        {&*ed, "ed", Canon::simple, Canon::relaxed}};
    const auto set = messages();
    for (const auto& [name, message] : set) {
        std::string fields;
        for (const Way& way : ways) {
            SignOptions options;
            options.domain = "example.com";
            options.selector = way.selector;
            options.header_canon = way.header;
            options.body_canon = way.body;
            options.timestamp = kNow;
            auto field = sign(message, *way.key, options);
            ASSERT_TRUE(field.ok()) << name << ": " << field.error().message;
            fields += *field;
        }
        write_file(dir.file("tern_" + name + ".eml"), fields + message);
        write_file(dir.file("plain_" + name + ".eml"), message);
        if (name == "multipart") {  // a negative control: dkimpy must notice
            std::string tampered = fields + message;
            tampered.replace(tampered.find("Report"), 6, "Rep0rt");
            write_file(dir.file("tern_tampered.eml"), tampered);
        }
    }

    const std::string command =
        std::string("/usr/bin/python3 ") + TERN_DKIMPY_SCRIPT + " " + dir.path().string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    VerifyOptions options;
    options.now = kNow;
    for (const auto& [name, message] : set) {
        SCOPED_TRACE(name);
        EXPECT_EQ(read_file(dir.file("tern_" + name + ".result")), "pass\npass\npass\npass\n");
        const std::string by_dkimpy = read_file(dir.file("dkimpy_" + name + ".eml"));
        const auto results = verify(by_dkimpy, dns, options);
        ASSERT_EQ(results.size(), 3u);
        for (const auto& r : results) {
            EXPECT_EQ(r.result, DkimResult::pass) << r.selector << ": " << r.reason;
        }
        // And Tern rejects dkimpy's signatures once the body changes.
        std::string tampered = by_dkimpy + "appended\r\n";
        for (const auto& r : verify(tampered, dns, options))
            EXPECT_EQ(r.result, DkimResult::fail);
    }
    EXPECT_EQ(read_file(dir.file("tern_tampered.result")), "fail\nfail\nfail\nfail\n");
}

}  // namespace
}  // namespace tern::mailauth::dkim

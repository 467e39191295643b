// build_dsn() read back with Tern's own MIME parser: structure, RFC 3464
// fields, the returned original byte for byte, SMTPUTF8 types, folding and
// header injection.
#include "queue/dsn.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/time.hpp"
#include "mime/header.hpp"
#include "mime/message.hpp"

namespace tern::queue {
namespace {

using Fields = std::map<std::string, std::string>;

const std::string kOriginal =
    "From: Alice <alice@example.net>\r\n"
    "To: bob@example.org\r\n"
    "Subject: lunch\r\n"
    "Message-ID: <orig.1@example.net>\r\n"
    "\r\n"
    "See you at noon.\r\n"
    "-- \r\n"
    "Alice\r\n";

DsnInput base_input() {
    DsnInput in;
    in.reporting_mta = "mail.example.net";
    in.recipient = "alice@example.net";
    in.envid = "QQ314159";
    in.arrival_date = 1796000000;
    in.now = 1796070652;
    in.message_id = "dsn.42@mail.example.net";
    in.original = kOriginal;
    DsnRecipient r;
    r.final_recipient = "bob@example.org";
    r.original_recipient = "rfc822;Bob@Example.org";
    r.remote_mta = "mx.example.org";
    r.diagnostic = "550 5.1.1 <bob@example.org>: no such user";
    r.last_attempt = 1796070600;
    in.recipients.push_back(r);
    return in;
}

std::string_view body_of(const mime::Message& m, const mime::Part& p) {
    return m.raw.substr(p.body_offset, p.body_size);
}

Fields fields_of(const std::vector<mime::HeaderField>& list) {
    Fields out;
    for (const auto& f : list)
        out.emplace(std::string(f.name), mime::field_text(f.value));
    return out;
}

// The groups of a delivery-status body (RFC 3464 2.1): per-message, then
// one per recipient, separated by empty lines.
std::vector<Fields> status_groups(std::string_view body) {
    std::vector<Fields> groups;
    std::size_t pos = 0;
    while (pos < body.size()) {
        mime::HeaderBlock block = mime::parse_header(body, pos, body.size());
        groups.push_back(fields_of(block.fields));
        if (block.body_offset <= pos) break;
        pos = block.body_offset;
    }
    return groups;
}

std::vector<std::string_view> lines_of(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t eol = s.find("\r\n", pos);
        if (eol == std::string_view::npos) eol = s.size();
        out.push_back(s.substr(pos, eol - pos));
        pos = eol + 2;
    }
    return out;
}

TEST(Dsn, FailedWithFullReturn) {
    DsnInput in = base_input();
    in.return_full = true;
    std::string dsn = build_dsn(in);
    mime::Message m = mime::parse(dsn);

    Fields top = fields_of(m.root.fields);
    EXPECT_EQ(top["From"], "\"Mail Delivery System\" <MAILER-DAEMON@mail.example.net>");
    EXPECT_EQ(top["To"], "<alice@example.net>");
    EXPECT_EQ(top["Date"], rfc5322_date(in.now));
    EXPECT_EQ(top["Message-ID"], "<dsn.42@mail.example.net>");
    EXPECT_EQ(top["Subject"], "Undelivered Mail Returned to Sender");
    EXPECT_EQ(top["Auto-Submitted"], "auto-replied");
    EXPECT_EQ(top["MIME-Version"], "1.0");
    EXPECT_EQ(top.count("Content-Transfer-Encoding"), 0u);

    ASSERT_EQ(m.root.kind, mime::Kind::multipart);
    EXPECT_EQ(m.root.content_type.subtype, "report");
    EXPECT_EQ(*mime::find_param(m.root.content_type.params, "report-type"), "delivery-status");
    ASSERT_EQ(m.root.children.size(), 3u);

    const mime::Part& text = m.root.children[0];
    EXPECT_EQ(text.content_type.type + "/" + text.content_type.subtype, "text/plain");
    EXPECT_EQ(*mime::find_param(text.content_type.params, "charset"), "us-ascii");
    std::string_view human = body_of(m, text);
    EXPECT_NE(human.find("could not be delivered"), std::string_view::npos);
    EXPECT_NE(human.find("<bob@example.org>"), std::string_view::npos);
    EXPECT_NE(human.find("\"550 5.1.1 <bob@example.org>: no such user\""), std::string_view::npos);
    EXPECT_NE(human.find("mx.example.org"), std::string_view::npos);

    const mime::Part& report = m.root.children[1];
    EXPECT_EQ(report.content_type.type + "/" + report.content_type.subtype,
              "message/delivery-status");
    std::vector<Fields> groups = status_groups(body_of(m, report));
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0]["Reporting-MTA"], "dns; mail.example.net");
    EXPECT_EQ(groups[0]["Original-Envelope-Id"], "QQ314159");
    EXPECT_EQ(groups[0]["Arrival-Date"], rfc5322_date(in.arrival_date));
    Fields& rcpt = groups[1];
    EXPECT_EQ(rcpt["Original-Recipient"], "rfc822;Bob@Example.org");
    EXPECT_EQ(rcpt["Final-Recipient"], "rfc822; bob@example.org");
    EXPECT_EQ(rcpt["Action"], "failed");
    EXPECT_EQ(rcpt["Status"], "5.1.1");
    EXPECT_EQ(rcpt["Remote-MTA"], "dns; mx.example.org");
    EXPECT_EQ(rcpt["Diagnostic-Code"], "smtp; 550 5.1.1 <bob@example.org>: no such user");
    EXPECT_EQ(rcpt["Last-Attempt-Date"], rfc5322_date(in.recipients[0].last_attempt));
    EXPECT_EQ(rcpt.count("Will-Retry-Until"), 0u);

    const mime::Part& returned = m.root.children[2];
    EXPECT_EQ(returned.kind, mime::Kind::message);
    EXPECT_EQ(returned.content_type.subtype, "rfc822");
    EXPECT_EQ(body_of(m, returned), kOriginal);
    ASSERT_EQ(returned.children.size(), 1u);
    EXPECT_EQ(fields_of(returned.children[0].fields)["Subject"], "lunch");
}

TEST(Dsn, HeadersOnlyWhenRetHdrs) {
    DsnInput in = base_input();
    in.return_full = false;
    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    ASSERT_EQ(m.root.children.size(), 3u);
    const mime::Part& returned = m.root.children[2];
    EXPECT_EQ(returned.content_type.type + "/" + returned.content_type.subtype,
              "text/rfc822-headers");
    // RFC 6522 4: the header fields, without the empty line and the body.
    EXPECT_EQ(body_of(m, returned), kOriginal.substr(0, kOriginal.find("\r\n\r\n") + 2));
    EXPECT_NE(body_of(m, m.root.children[0]).find("header of the original"),
              std::string_view::npos);
}

TEST(Dsn, OversizedOriginalReturnsHeadersAndSaysSo) {
    DsnInput in = base_input();
    in.return_full = true;
    in.original += std::string(400, 'x') + "\r\n";
    in.max_original = 100;
    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    ASSERT_EQ(m.root.children.size(), 3u);
    EXPECT_EQ(m.root.children[2].content_type.subtype, "rfc822-headers");
    EXPECT_EQ(body_of(m, m.root.children[2]).find("xxxx"), std::string_view::npos);
    std::string_view human = body_of(m, m.root.children[0]);
    EXPECT_NE(human.find(std::to_string(in.original.size()) + " bytes"), std::string_view::npos);
    EXPECT_NE(human.find("only its header"), std::string_view::npos);
}

TEST(Dsn, Utf8MailUsesGlobalTypes) {
    DsnInput in = base_input();
    in.return_full = true;
    in.recipient = "j\xC3\xB6rg@example.net";
    in.original =
        "From: j\xC3\xB6rg@example.net\r\nTo: \xE7\x94\xA8\xE6\x88\xB7@example.org\r\n"
        "Subject: gr\xC3\xBC\xC3\x9F"
        "e\r\n\r\nHall\xC3\xB6\r\n";
    in.recipients[0].final_recipient = "\xE7\x94\xA8\xE6\x88\xB7@example.org";
    in.recipients[0].original_recipient = "utf-8;\xE7\x94\xA8\xE6\x88\xB7@example.org";
    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    EXPECT_EQ(fields_of(m.root.fields)["To"], "<j\xC3\xB6rg@example.net>");
    EXPECT_EQ(*mime::find_param(m.root.content_type.params, "report-type"),
              "global-delivery-status");
    ASSERT_EQ(m.root.children.size(), 3u);
    EXPECT_EQ(m.root.children[1].content_type.subtype, "global-delivery-status");
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    ASSERT_EQ(groups.size(), 2u);
    // RFC 6533 3: the utf-8 address type for a non-ASCII address.
    EXPECT_EQ(groups[1]["Final-Recipient"], "utf-8; \xE7\x94\xA8\xE6\x88\xB7@example.org");
    EXPECT_EQ(groups[1]["Original-Recipient"], "utf-8;\xE7\x94\xA8\xE6\x88\xB7@example.org");
    const mime::Part& returned = m.root.children[2];
    EXPECT_EQ(returned.kind, mime::Kind::message);
    EXPECT_EQ(returned.content_type.subtype, "global");
    EXPECT_EQ(returned.encoding, "8bit");
    EXPECT_EQ(body_of(m, returned), in.original);

    in.return_full = false;
    std::string hdrs_raw = build_dsn(in);
    mime::Message hdrs = mime::parse(hdrs_raw);
    ASSERT_EQ(hdrs.root.children.size(), 3u);
    EXPECT_EQ(hdrs.root.children[2].content_type.subtype, "global-headers");

    // The queue's SMTPUTF8 flag alone is enough, even for an all-ASCII message.
    DsnInput flagged = base_input();
    flagged.smtputf8 = true;
    std::string flagged_raw = build_dsn(flagged);
    mime::Message f = mime::parse(flagged_raw);
    ASSERT_EQ(f.root.children.size(), 3u);
    EXPECT_EQ(f.root.children[1].content_type.subtype, "global-delivery-status");
    EXPECT_EQ(f.root.children[2].content_type.subtype, "global-headers");
}

TEST(Dsn, EightBitBodyAloneStaysRfc822AndFieldsStayAscii) {
    DsnInput in = base_input();
    in.return_full = true;
    in.original = "From: a@example.net\r\nSubject: caf\r\n\r\ncaf\xE9 au lait\r\n";  // Latin-1 body
    in.recipients[0].diagnostic =
        "550 5.7.1 r\xE9"
        "fus\xC3\xA9";
    std::string dsn = build_dsn(in);
    mime::Message m = mime::parse(dsn);
    EXPECT_EQ(*mime::find_param(m.root.content_type.params, "report-type"), "delivery-status");
    EXPECT_EQ(fields_of(m.root.fields)["Content-Transfer-Encoding"], "8bit");
    ASSERT_EQ(m.root.children.size(), 3u);
    EXPECT_EQ(m.root.children[2].content_type.subtype, "rfc822");
    EXPECT_EQ(m.root.children[2].encoding, "8bit");
    EXPECT_EQ(body_of(m, m.root.children[2]), in.original);
    // Everything but the returned original is 7-bit.
    std::string_view ours(dsn.data(), m.root.children[2].body_offset);
    for (char c : ours)
        ASSERT_LT(static_cast<unsigned char>(c), 0x80);
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    EXPECT_EQ(groups[1]["Diagnostic-Code"], "smtp; 550 5.7.1 r?fus??");
}

TEST(Dsn, DelayedNotice) {
    DsnInput in = base_input();
    DsnRecipient& r = in.recipients[0];
    r.action = DsnRecipient::Action::delayed;
    r.diagnostic = "451 4.7.1 greylisted, try again later";
    r.will_retry_until = 1796400000;
    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    EXPECT_EQ(fields_of(m.root.fields)["Subject"], "Delayed Mail (still being retried)");
    ASSERT_EQ(m.root.children.size(), 3u);
    std::string_view human = body_of(m, m.root.children[0]);
    EXPECT_NE(human.find("not yet been delivered"), std::string_view::npos);
    EXPECT_NE(human.find(rfc5322_date(r.will_retry_until)), std::string_view::npos);
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[1]["Action"], "delayed");
    EXPECT_EQ(groups[1]["Status"], "4.7.1");
    EXPECT_EQ(groups[1]["Will-Retry-Until"], rfc5322_date(r.will_retry_until));
}

TEST(Dsn, SeveralRecipientsMixedActions) {
    DsnInput in = base_input();
    in.recipients[0].status = "5.1.1";
    DsnRecipient full;
    full.final_recipient = "carol@example.org";
    full.remote_mta = "mx2.example.org";
    full.diagnostic = "552-5.2.2 mailbox full\r\n552 5.2.2 try another day";
    in.recipients.push_back(full);
    DsnRecipient later;
    later.final_recipient = "dave@example.com";
    later.action = DsnRecipient::Action::delayed;
    later.diagnostic = "connection refused by all MX hosts";
    later.diagnostic_is_smtp = false;
    in.recipients.push_back(later);
    DsnRecipient ok;
    ok.final_recipient = "erin@example.com";
    ok.action = DsnRecipient::Action::relayed;
    in.recipients.push_back(ok);

    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    // A mix with any failure gets the failure wording.
    EXPECT_EQ(fields_of(m.root.fields)["Subject"], "Undelivered Mail Returned to Sender");
    ASSERT_EQ(m.root.children.size(), 3u);
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    ASSERT_EQ(groups.size(), 5u);
    EXPECT_EQ(groups[1]["Final-Recipient"], "rfc822; bob@example.org");
    EXPECT_EQ(groups[2]["Final-Recipient"], "rfc822; carol@example.org");
    EXPECT_EQ(groups[2]["Status"], "5.2.2");
    EXPECT_EQ(groups[2]["Diagnostic-Code"],
              "smtp; 552-5.2.2 mailbox full 552 5.2.2 try another day");
    EXPECT_EQ(groups[2].count("Original-Recipient"), 0u);
    EXPECT_EQ(groups[3]["Action"], "delayed");
    EXPECT_EQ(groups[3]["Status"], "4.0.0");
    EXPECT_EQ(groups[3]["Diagnostic-Code"], "x-tern; connection refused by all MX hosts");
    EXPECT_EQ(groups[3].count("Remote-MTA"), 0u);
    EXPECT_EQ(groups[4]["Action"], "relayed");
    EXPECT_EQ(groups[4]["Status"], "2.0.0");
    std::string_view human = body_of(m, m.root.children[0]);
    for (const char* who :
         {"<bob@example.org>", "<carol@example.org>", "<dave@example.com>", "<erin@example.com>"}) {
        EXPECT_NE(human.find(who), std::string_view::npos) << who;
    }
}

TEST(Dsn, HeaderInjectionIsNeutralised) {
    DsnInput in = base_input();
    in.recipient = "alice@example.net\r\nCc: victim@example.com";
    in.message_id = "x\r\nBcc: y@example.com";
    in.reporting_mta = "mail.example.net\r\nX-Evil: 1";
    DsnRecipient& r = in.recipients[0];
    r.diagnostic = "550 no\r\nBcc: x@example.com\r\n\r\n--=_tern_\r\nContent-Type: text/html";
    r.remote_mta = "mx.example.org\nX-Evil: 2";
    r.final_recipient = "bob@example.org\rBcc: z@example.com";
    r.status = "5.1.1\r\nBcc: w";
    std::string dsn = build_dsn(in);
    for (std::string_view line : lines_of(dsn)) {
        EXPECT_FALSE(line.starts_with("Bcc:")) << line;
        EXPECT_FALSE(line.starts_with("Cc:")) << line;
        EXPECT_FALSE(line.starts_with("X-Evil:")) << line;
        EXPECT_FALSE(line.starts_with("Content-Type: text/html")) << line;
    }
    // No bare CR or LF anywhere: every line break is CRLF.
    for (std::size_t i = 0; i < dsn.size(); ++i) {
        if (dsn[i] == '\r') {
            ASSERT_EQ(dsn[i + 1], '\n') << i;
        }
        if (dsn[i] == '\n') {
            ASSERT_EQ(dsn[i - 1], '\r') << i;
        }
    }
    mime::Message m = mime::parse(dsn);
    Fields top = fields_of(m.root.fields);
    EXPECT_EQ(top.count("Bcc"), 0u);
    EXPECT_EQ(top.count("Cc"), 0u);
    EXPECT_EQ(top["To"], "<alice@example.net Cc: victim@example.com>");
    ASSERT_EQ(m.root.children.size(), 3u);
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[1].count("Bcc"), 0u);
    EXPECT_EQ(groups[1]["Status"], "5.0.0");  // the invalid status was not used
    EXPECT_EQ(groups[1]["Diagnostic-Code"],
              "smtp; 550 no Bcc: x@example.com --=_tern_ Content-Type: text/html");
    EXPECT_EQ(body_of(m, m.root.children[2]), kOriginal.substr(0, kOriginal.find("\r\n\r\n") + 2));
}

TEST(Dsn, LongFieldsAreFolded) {
    DsnInput in = base_input();
    std::string words;
    for (int i = 0; i < 60; ++i)
        words += " word" + std::to_string(i);
    in.recipients[0].diagnostic = "550 5.7.1" + words;
    DsnRecipient huge = in.recipients[0];
    huge.diagnostic = "554 " + std::string(2500, 'z');
    in.recipients.push_back(huge);
    std::string dsn = build_dsn(in);
    mime::Message m = mime::parse(dsn);
    ASSERT_EQ(m.root.children.size(), 3u);
    const mime::Part& report = m.root.children[1];
    std::string_view status = body_of(m, report);
    for (std::string_view line : lines_of(dsn))
        EXPECT_LE(line.size(), 998u);
    std::size_t folded = 0;
    for (std::string_view line : lines_of(status)) {
        if (line.size() > 78) {
            // Only an unbreakable run may be longer (after the folding space).
            EXPECT_EQ(line.find(' ', 1), std::string_view::npos) << line;
        }
        if (line.starts_with(" ")) ++folded;
    }
    EXPECT_GT(folded, 5u);
    std::vector<Fields> groups = status_groups(status);
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[1]["Diagnostic-Code"], "smtp; 550 5.7.1" + words);
    EXPECT_EQ(groups[1]["Status"], "5.7.1");
    // The unbreakable run was split, so its lines fit; nothing was lost.
    std::string z = groups[2]["Diagnostic-Code"];
    EXPECT_EQ(static_cast<std::size_t>(std::count(z.begin(), z.end(), 'z')), 2500u);
}

TEST(Dsn, BoundaryAvoidsTheContent) {
    DsnInput in = base_input();
    in.return_full = true;
    std::string first_raw = build_dsn(in);
    mime::Message first = mime::parse(first_raw);
    std::string boundary = *mime::find_param(first.root.content_type.params, "boundary");
    // The same input with its boundary planted in the original.
    in.original = kOriginal + "--" + boundary + "\r\n--" + boundary + "--\r\n";
    std::string dsn = build_dsn(in);
    mime::Message m = mime::parse(dsn);
    std::string second = *mime::find_param(m.root.content_type.params, "boundary");
    EXPECT_NE(second, boundary);
    EXPECT_EQ(in.original.find(second), std::string::npos);
    ASSERT_EQ(m.root.children.size(), 3u);
    EXPECT_EQ(body_of(m, m.root.children[2]), in.original);
}

TEST(Dsn, StatusDerivation) {
    DsnRecipient r;
    r.diagnostic = "550 5.1.1 no such user";
    EXPECT_EQ(dsn_status(r), "5.1.1");
    r.diagnostic = "550-5.7.26 unauthenticated\r\n550 5.7.26 see policy";
    EXPECT_EQ(dsn_status(r), "5.7.26");
    r.diagnostic = "550 4.1.1 class does not agree";
    EXPECT_EQ(dsn_status(r), "5.0.0");
    r.diagnostic = "421 closing";
    EXPECT_EQ(dsn_status(r), "4.0.0");
    r.diagnostic = "garbage";
    EXPECT_EQ(dsn_status(r), "5.0.0");
    r.status = "4.4.7";
    EXPECT_EQ(dsn_status(r), "4.4.7");
    r.status = "5.1";
    EXPECT_EQ(dsn_status(r), "5.0.0");
    r.status = "3.1.1";
    EXPECT_EQ(dsn_status(r), "5.0.0");
    r.status.clear();
    r.diagnostic = "250 2.0.0 ok";
    r.diagnostic_is_smtp = false;  // not an SMTP reply: from the action
    r.action = DsnRecipient::Action::delayed;
    EXPECT_EQ(dsn_status(r), "4.0.0");
    r.action = DsnRecipient::Action::delivered;
    EXPECT_EQ(dsn_status(r), "2.0.0");
}

TEST(Dsn, SuccessNoticeAndEmptySender) {
    DsnInput in = base_input();
    in.recipient.clear();
    in.message_id.clear();
    in.recipients[0].action = DsnRecipient::Action::delivered;
    in.recipients[0].diagnostic = "250 2.0.0 queued as 123";
    std::string m_raw = build_dsn(in);
    mime::Message m = mime::parse(m_raw);
    Fields top = fields_of(m.root.fields);
    EXPECT_EQ(top["Subject"], "Successful Mail Delivery Report");
    EXPECT_EQ(top["To"], "undisclosed-recipients:;");
    EXPECT_EQ(top["Message-ID"], "<dsn." + std::to_string(in.now) + "@mail.example.net>");
    ASSERT_EQ(m.root.children.size(), 3u);
    std::vector<Fields> groups = status_groups(body_of(m, m.root.children[1]));
    EXPECT_EQ(groups[1]["Status"], "2.0.0");
}

}  // namespace
}  // namespace tern::queue

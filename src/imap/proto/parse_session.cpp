// AUTHENTICATE LOGIN ENABLE ID GETQUOTA SETQUOTA COMPRESS: commands about
// the session and the account rather than one mailbox.
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

}  // namespace

namespace detail {

Status parse_authenticate(Lexer& lex, Command& cmd, const ParseOptions&) {
    AuthenticateArgs args;
    if (auto st = lex.sp(); !st) return bad("AUTHENTICATE needs a mechanism");
    auto mech = lex.atom();  // RFC 9051 9: auth-type = atom
    if (!mech) return mech.failure();
    args.mechanism = to_upper(*mech);
    if (lex.consume(' ')) {
        // RFC 4959 7: initial-response = base64 / "=".
        auto ir = lex.run(is_base64_char, "an initial response");
        if (!ir) return ir.failure();
        std::string decoded;
        if (*ir != "=" && !base64_decode(*ir, decoded))
            return bad("Invalid base64 in initial response");
        args.initial_response = std::string(*ir);
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_login(Lexer& lex, Command& cmd, const ParseOptions&) {
    LoginArgs args;
    if (auto st = lex.sp(); !st) return bad("LOGIN needs a user name and a password");
    auto user = lex.astring();
    if (!user) return user.failure();
    if (auto st = lex.sp(); !st) return bad("LOGIN needs a user name and a password");
    auto pass = lex.astring();
    if (!pass) return pass.failure();
    args.user = std::move(*user);
    args.password = std::move(*pass);
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_enable(Lexer& lex, Command& cmd, const ParseOptions&) {
    // RFC 5161 4: ENABLE 1*(SP capability).
    EnableArgs args;
    while (lex.consume(' ')) {
        auto cap = lex.atom();
        if (!cap) return cap.failure();
        args.capabilities.push_back(to_upper(*cap));
    }
    if (args.capabilities.empty()) return bad("ENABLE needs a capability");
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_id(Lexer& lex, Command& cmd, const ParseOptions&) {
    // RFC 2971 4: id = "ID" SP id-params-list; id-params-list =
    // "(" *(string SP nstring) ")" / nil.
    IdArgs args;
    if (auto st = lex.sp(); !st) return bad("ID needs a parameter list or NIL");
    if (!lex.consume_keyword("NIL")) {
        if (auto st = lex.expect('('); !st) return st;
        args.fields.emplace();
        while (!lex.consume(')')) {
            if (!args.fields->empty()) {
                if (auto st = lex.sp(); !st) return st;
            }
            auto field = lex.string();
            if (!field) return field.failure();
            if (auto st = lex.sp(); !st) return st;
            auto value = lex.nstring();
            if (!value) return value.failure();
            // RFC 2971 3.3: at most 30 pairs, fields up to 30 octets,
            // values up to 1024.
            if (args.fields->size() >= 30) return bad("Too many ID fields");
            if (field->value.size() > 30 || (*value && (*value)->size() > 1024))
                return bad("ID field or value too long");
            args.fields->emplace_back(std::move(field->value), std::move(*value));
        }
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_getquota(Lexer& lex, Command& cmd, const ParseOptions&) {
    if (auto st = lex.sp(); !st) return bad("GETQUOTA needs a quota root");
    auto root = lex.astring();  // RFC 9208 4.1: quota-root = astring
    if (!root) return root.failure();
    cmd.args = QuotaRootArgs{std::move(*root)};
    return lex.end();
}

Status parse_setquota(Lexer& lex, Command& cmd, const ParseOptions&) {
    // RFC 9208 4.4: SETQUOTA SP quota-root SP "(" [setquota-resource
    // *(SP setquota-resource)] ")"; setquota-resource = resource-name SP number64.
    SetQuotaArgs args;
    if (auto st = lex.sp(); !st) return bad("SETQUOTA needs a quota root");
    auto root = lex.astring();
    if (!root) return root.failure();
    args.root = std::move(*root);
    if (auto st = lex.sp(); !st) return bad("SETQUOTA needs a resource list");
    if (auto st = lex.expect('('); !st) return st;
    while (!lex.consume(')')) {
        if (!args.limits.empty()) {
            if (auto st = lex.sp(); !st) return st;
        }
        auto name = lex.atom();
        if (!name) return name.failure();
        if (auto st = lex.sp(); !st) return st;
        auto limit = lex.number64();
        if (!limit) return limit.failure();
        args.limits.emplace_back(to_upper(*name), *limit);
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_compress(Lexer& lex, Command& cmd, const ParseOptions&) {
    // RFC 4978 3: COMPRESS SP algorithm (atom).
    if (auto st = lex.sp(); !st) return bad("COMPRESS needs an algorithm");
    auto alg = lex.atom();
    if (!alg) return alg.failure();
    cmd.args = CompressArgs{to_upper(*alg)};
    return lex.end();
}

}  // namespace detail

}  // namespace tern::imap

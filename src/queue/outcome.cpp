#include "queue/outcome.hpp"

#include <algorithm>
#include <cctype>

namespace tern::queue {

int64_t next_attempt_after(const RetryPolicy& policy, uint32_t attempts, int64_t now) {
    int64_t wait = std::max<int64_t>(policy.initial_seconds, 1);
    for (uint32_t i = 1; i < attempts && wait < policy.max_seconds; ++i)
        wait *= 2;
    return now + std::min(wait, std::max<int64_t>(policy.max_seconds, 1));
}

bool expired(const RetryPolicy& policy, int64_t created_at, int64_t now) {
    return now - created_at >= policy.max_age_seconds;
}

bool delay_notice_due(const RetryPolicy& policy, const store::QueuedMessage& message, int64_t now) {
    return policy.delay_notice_seconds > 0 && message.delay_notified_at == 0 &&
           !message.sender.empty() && now - message.created_at >= policy.delay_notice_seconds;
}

bool wants_dsn(std::string_view notify, DsnKind kind) {
    if (notify.empty()) return kind != DsnKind::success;  // RFC 3461 4.1 default
    std::string upper(notify);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string_view want = kind == DsnKind::failure ? "FAILURE"
                            : kind == DsnKind::delay ? "DELAY"
                                                     : "SUCCESS";
    std::string_view rest = upper;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        if (item == want) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

store::QueueRecipient::State state_for_code(int code) {
    if (code >= 200 && code < 300) return store::QueueRecipient::State::delivered;
    if (code >= 500 && code < 600) return store::QueueRecipient::State::failed;
    return store::QueueRecipient::State::pending;
}

std::string status_for(int code, std::string_view enhanced) {
    char cls = code >= 500 ? '5' : code >= 400 || code == 0 ? '4' : '2';
    // RFC 3463 2: class "." subject "." detail, each 1-3 digits.
    auto valid = [](std::string_view e) {
        int dots = 0, digits = 0;
        for (char c : e) {
            if (c == '.') {
                if (digits == 0) return false;
                ++dots;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (++digits > 3) return false;
            } else {
                return false;
            }
        }
        return dots == 2 && digits > 0;
    };
    if (!enhanced.empty() && enhanced[0] == cls && valid(enhanced)) return std::string(enhanced);
    return std::string(1, cls) + ".0.0";
}

}  // namespace tern::queue

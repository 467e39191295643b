// Result<T>: a value or an Error, for every fallible call in Tern.
//
// Untrusted input never throws or asserts (STYLE.md 14): parsers, the store
// and protocol handlers return Result<T>. Exceptions are for broken internal
// invariants only. Modelled on std::expected (C++23), which g++ 12 does not
// offer in C++20 mode.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tern {

// What went wrong, coarse enough for a caller to choose a protocol reply.
enum class Errc {
    invalid,    // malformed input or argument
    not_found,  // no such account, mailbox, message, key...
    exists,     // already exists (unique constraint)
    denied,     // authentication or authorization refused
    limit,      // a configured limit was reached (size, rate, count)
    quota,      // a storage quota would be exceeded
    busy,       // temporarily unavailable; retry later
    io,         // the operating system or the database failed
    timeout,    // a deadline passed
    internal,   // a bug: an invariant did not hold
};

std::string_view to_string(Errc code);

struct Error {
    Errc code = Errc::internal;
    std::string message;
};

// Returned by fail(): converts to any Result<T>.
struct Failure {
    Error error;
};

inline Failure fail(Errc code, std::string message) {
    return Failure{{code, std::move(message)}};
}
inline Failure fail(Error error) {
    return Failure{std::move(error)};
}

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Failure f) : v_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT
    template <class U>
    requires std::is_constructible_v<T, U&&> &&
        (!std::is_same_v<std::decay_t<U>, Result>)&&(!std::is_same_v<std::decay_t<U>, Failure>)&&(
            !std::is_same_v<std::decay_t<U>, T>)Result(U&& u)
        : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }
    Failure failure() const { return Failure{error()}; }

    template <class U>
    T value_or(U&& fallback) const& {
        return ok() ? value() : T(std::forward<U>(fallback));
    }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Failure f) : error_(std::move(f.error)), ok_(false) {}  // NOLINT

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }
    Failure failure() const { return Failure{error_}; }

  private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace tern

// The one parser for every number daemonize reads: options, pidfiles, /proc.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace daemonize {

/// All of `text` as an unsigned number in `base`: digits only (no sign,
/// blank, prefix or suffix), not empty, no overflow, at most `max`.
template <typename T>
[[nodiscard]] std::optional<T> parse_unsigned(std::string_view text, T max = std::numeric_limits<T>::max(),
                                              int base = 10) noexcept {
    static_assert(std::is_unsigned_v<T>);
    T value{};
    if (text.empty()) return std::nullopt;
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(text.data(), end, value, base);
    if (ec != std::errc{} || stop != end || value > max) return std::nullopt;
    return value;
}

/// Decimal seconds with one to three decimals after a dot ("10", "0.5", ".25")
/// → milliseconds; at most `max_seconds`.
[[nodiscard]] std::optional<std::int64_t> parse_millis(std::string_view text, std::int64_t max_seconds) noexcept;

/// "4096", "64K", "10M", "1G" (powers of 1024) → bytes, at least 1, no overflow.
[[nodiscard]] std::optional<std::uint64_t> parse_bytes(std::string_view text) noexcept;

}  // namespace daemonize

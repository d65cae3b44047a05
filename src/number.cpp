// Numbers with units: seconds and sizes, on top of parse_unsigned.
#include "number.hpp"

namespace daemonize {

std::optional<std::int64_t> parse_millis(std::string_view text, std::int64_t max_seconds) noexcept {
    auto dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() && frac.empty()) return std::nullopt;
    if (dot != std::string_view::npos && (frac.empty() || frac.size() > 3)) return std::nullopt;
    std::uint64_t seconds = 0;
    if (!whole.empty()) {
        auto w = parse_unsigned<std::uint64_t>(whole, static_cast<std::uint64_t>(max_seconds));
        if (!w) return std::nullopt;
        seconds = *w;
    }
    std::uint64_t ms = 0;
    if (!frac.empty()) {
        auto f = parse_unsigned<std::uint64_t>(frac);
        if (!f) return std::nullopt;
        ms = *f;
        for (size_t digits = frac.size(); digits < 3; ++digits) ms *= 10;
    }
    std::int64_t total = static_cast<std::int64_t>(seconds) * 1000 + static_cast<std::int64_t>(ms);
    if (total > max_seconds * 1000) return std::nullopt;
    return total;
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    std::uint64_t unit = 1;
    switch (text.back()) {
    case 'K': case 'k': unit = 1ULL << 10; break;
    case 'M': case 'm': unit = 1ULL << 20; break;
    case 'G': case 'g': unit = 1ULL << 30; break;
    default: break;
    }
    if (unit != 1) text.remove_suffix(1);
    auto value = parse_unsigned<std::uint64_t>(text, std::numeric_limits<std::uint64_t>::max() / unit);
    if (!value || *value == 0) return std::nullopt;
    return *value * unit;
}

}  // namespace daemonize

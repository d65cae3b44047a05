// The one numeric parser: digits only, ranges, overflow, units.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "number.hpp"

using namespace daemonize;

TEST_CASE("parse_unsigned: digits only, all of them") {
    CHECK(*parse_unsigned<unsigned>("0") == 0);
    CHECK(*parse_unsigned<unsigned>("42") == 42);
    CHECK(*parse_unsigned<unsigned>("007") == 7);
    for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0", "١"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_unsigned<unsigned>(bad));
    }
}

TEST_CASE("parse_unsigned: range and overflow") {
    CHECK(*parse_unsigned<unsigned>("255", 255) == 255);
    CHECK_FALSE(parse_unsigned<unsigned>("256", 255));
    CHECK(*parse_unsigned<std::uint32_t>("4294967295") == std::numeric_limits<std::uint32_t>::max());
    CHECK_FALSE(parse_unsigned<std::uint32_t>("4294967296"));
    CHECK_FALSE(parse_unsigned<std::uint64_t>("18446744073709551616"));
    CHECK_FALSE(parse_unsigned<std::uint64_t>(std::string(1000, '9')));
}

TEST_CASE("parse_unsigned: other bases") {
    CHECK(*parse_unsigned<unsigned>("022", 0777, 8) == 022);
    CHECK(*parse_unsigned<unsigned>("777", 0777, 8) == 0777);
    CHECK_FALSE(parse_unsigned<unsigned>("1000", 0777, 8));
    CHECK_FALSE(parse_unsigned<unsigned>("8", 0777, 8));
}

TEST_CASE("parse_millis") {
    CHECK(*parse_millis("0", 10) == 0);
    CHECK(*parse_millis("1.5", 10) == 1500);
    CHECK(*parse_millis(".05", 10) == 50);
    CHECK(*parse_millis("10.000", 10) == 10000);
    for (const char* bad : {"", ".", "1.", "10.001", "11", "1.0000", "-1", "1e1", "1,5"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_millis(bad, 10));
    }
    CHECK(*parse_millis("9223372036854775", 9223372036854775) == 9223372036854775000);
    CHECK_FALSE(parse_millis("99999999999999999999", 9223372036854775));
}

TEST_CASE("parse_bytes") {
    CHECK(*parse_bytes("1") == 1);
    CHECK(*parse_bytes("2k") == 2048);
    CHECK(*parse_bytes("3M") == 3ULL << 20);
    CHECK(*parse_bytes("17179869183G") == 17179869183ULL << 30);
    for (const char* bad : {"", "0", "0K", "K", "1T", "17179869184G", "18446744073709551616", "-1K"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_bytes(bad));
    }
}

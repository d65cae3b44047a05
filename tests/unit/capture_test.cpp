// Log capture: sizes, %i, timestamps, the line framer, rotation.
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "capture.hpp"

using namespace daemonize;
using capture::Framer;

namespace {

struct Record {
    std::string text;
    bool whole;
};

std::vector<Record> feed_all(Framer& f, const std::vector<std::string>& chunks) {
    std::vector<Record> out;
    for (const auto& c : chunks) f.feed(c, 0, [&](std::string_view t, bool w) { out.push_back({std::string(t), w}); });
    return out;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("parse_size") {
    CHECK(*capture::parse_size("4096") == 4096);
    CHECK(*capture::parse_size("64K") == 64 * 1024);
    CHECK(*capture::parse_size("10M") == 10ULL << 20);
    CHECK(*capture::parse_size("1g") == 1ULL << 30);
    CHECK(*capture::parse_size("9999999999999") == 9999999999999ULL);
    CHECK(*capture::parse_size("17179869183G") == 17179869183ULL << 30);  // the largest in G
    // Overflow is an error, never a wrapped value (17179869185G was 1 GiB).
    for (const char* bad : {"", "K", "0", "0M", "-1", "+1", " 1", "1.5M", "10MB", "1T", "17179869184G",
                            "17179869185G", "18446744073709551616"})
        CHECK_FALSE(capture::parse_size(bad));

}

TEST_CASE("expand_instance") {
    CHECK(capture::expand_instance("/var/log/app-%i.log", "3") == "/var/log/app-3.log");
    CHECK(capture::expand_instance("%i/%i", "supervisor") == "supervisor/supervisor");
    CHECK(capture::expand_instance("/no/placeholder", "1") == "/no/placeholder");
    CHECK(capture::expand_instance("100%", "1") == "100%");
}

TEST_CASE("format_stamp") {
    setenv("TZ", "UTC", 1);
    tzset();
    timespec t{1764064800, 123456789};  // 2025-11-25T10:00:00.123Z
    CHECK(capture::format_stamp(TimeFormat::iso, t) == "2025-11-25T10:00:00.123+00:00 ");
    CHECK(capture::format_stamp(TimeFormat::unix_seconds, t) == "1764064800.123 ");
    CHECK(capture::format_stamp(TimeFormat::none, t).empty());
    timespec early{1764064800, 5000000};
    CHECK(capture::format_stamp(TimeFormat::unix_seconds, early) == "1764064800.005 ");
}

TEST_CASE("Framer: complete lines pass in one run; partial lines are held") {
    Framer f(100);
    auto out = feed_all(f, {"a\nbb\nccc"});
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "a\nbb\n");
    CHECK(out[0].whole);
    CHECK(f.held_since() == 0);
    out = feed_all(f, {"c", "c\nd\n"});
    REQUIRE(out.size() == 2);
    CHECK(out[0].text == "ccccc\n");
    CHECK(out[1].text == "d\n");
    CHECK(f.held_since() == -1);
}

TEST_CASE("Framer: flush gives up on the held part") {
    Framer f(100);
    auto out = feed_all(f, {"prompt> "});
    CHECK(out.empty());
    f.flush([&](std::string_view t, bool w) { out.push_back({std::string(t), w}); });
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "prompt> ");
    CHECK_FALSE(out[0].whole);
    CHECK(f.held_since() == -1);
}

TEST_CASE("Framer: over-long lines are split, never dropped, bytes kept") {
    Framer f(4);
    std::string input = "0123456789\nab\n" + std::string(9, 'x') + "\n";
    std::string seen;
    auto out = feed_all(f, {input.substr(0, 3), input.substr(3, 5), input.substr(8)});
    for (const auto& r : out) {
        seen += r.text;
        CHECK(r.text.size() <= 5);  // 4 bytes, plus the newline when whole
    }
    CHECK(seen == input);
    CHECK(out.front().text == "0123");
    CHECK_FALSE(out.front().whole);
}

TEST_CASE("Framer: bytes are kept exactly whatever the chunking") {
    std::string input;
    for (int i = 0; i < 500; ++i) input += std::string(static_cast<size_t>(i % 37), 'a' + static_cast<char>(i % 26)) + (i % 7 ? "\n" : "");
    for (size_t chunk : {1, 2, 7, 64, 1000}) {
        Framer f(16);
        std::string seen;
        for (size_t at = 0; at < input.size(); at += chunk)
            f.feed(std::string_view(input).substr(at, chunk), 0, [&](std::string_view t, bool) { seen += t; });
        f.flush([&](std::string_view t, bool) { seen += t; });
        CHECK(seen == input);
    }
}

// Each record the framer emits, checked against its contract: a whole record
// is complete lines none longer than max_line; a piece is at most max_line
// bytes of one line; nothing held back that could have been passed on.
TEST_CASE("Framer: runs of lines around max_line, whatever the chunking") {
    constexpr size_t max_line = 16;
    std::string input;
    std::srand(7);
    for (int i = 0; i < 3000; ++i) {
        // Mostly lines near the limit on either side, some empty, some long.
        size_t len = static_cast<size_t>(std::rand() % 4 == 0 ? std::rand() % 50 : 14 + std::rand() % 5);
        input += std::string(len, static_cast<char>('a' + i % 26)) + "\n";
    }
    for (size_t chunk : {1, 3, 16, 17, 40, 333, 100000}) {
        CAPTURE(chunk);
        Framer f(max_line);
        std::string seen;
        bool ok = true;
        for (size_t at = 0; at < input.size(); at += chunk) {
            f.feed(std::string_view(input).substr(at, chunk), 0, [&](std::string_view t, bool whole) {
                seen += t;
                if (whole) {
                    if (t.empty() || t.back() != '\n') ok = false;
                    for (size_t start = 0; start < t.size();) {
                        size_t nl = t.find('\n', start);
                        if (nl - start > max_line) ok = false;
                        start = nl + 1;
                    }
                } else if (t.size() > max_line || t.find('\n') != std::string_view::npos) {
                    ok = false;
                }
            });
        }
        CHECK(ok);
        CHECK(f.held_since() == -1);  // the input ends with a newline: nothing held
        CHECK(seen == input);
    }
}

TEST_CASE("FileSink: rotation at line boundaries keeps exactly N old files") {
    char tmpl[] = "/tmp/capture-test.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    std::string dir = tmpl, path = dir + "/app.log";
    const auto actor = sys::fs::Actor::current();
    {
        capture::FileSink sink(path, -1, 100, 2, actor);
        REQUIRE(sink.open());
        for (int i = 0; i < 30; ++i) sink.write("line " + std::to_string(i) + " .........\n");  // 18-19 bytes
    }
    struct stat st {};
    for (const char* suffix : {"", ".1", ".2"}) {
        std::string text = slurp(path + suffix);
        CHECK(!text.empty());
        CHECK(text.size() <= 100);
        CHECK(text.back() == '\n');
    }
    CHECK(::stat((path + ".3").c_str(), &st) == -1);
    CHECK(slurp(path).find("line 29 ") != std::string::npos);
    // A batch of several lines is cut at a line boundary, not in a line.
    {
        capture::FileSink sink(path, -1, 100, 2, actor);
        REQUIRE(sink.open());
        sink.write(std::string(60, 'a') + "\n" + std::string(60, 'b') + "\n");
    }
    CHECK(slurp(path) == std::string(60, 'b') + "\n");
    CHECK(slurp(path + ".1").find(std::string(60, 'a') + "\n") != std::string::npos);
    std::string cleanup = "rm -rf " + dir;
    CHECK(std::system(cleanup.c_str()) == 0);
}

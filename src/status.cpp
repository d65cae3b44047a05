// The supervisor's status: wire form, table and JSON.
#include "status.hpp"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "number.hpp"
#include "sys/signals.hpp"

namespace daemonize::status {
namespace {

void put(std::string& out, const char* key, std::int64_t value) {
    out += ' ';
    out += key;
    out += '=';
    out += std::to_string(value);
}

void put(std::string& out, const char* key, std::string_view value) {
    out += ' ';
    out += key;
    out += '=';
    out += value.empty() ? "-" : value;
}

// "-5" and "12" as a signed number (the wire's only numbers).
std::optional<std::int64_t> parse_signed(std::string_view text) {
    bool negative = !text.empty() && text.front() == '-';
    if (negative) text.remove_prefix(1);
    auto value = parse_unsigned<std::uint64_t>(text, static_cast<std::uint64_t>(INT64_MAX));
    if (!value) return std::nullopt;
    auto v = static_cast<std::int64_t>(*value);
    return negative ? -v : v;
}

Error malformed(std::string_view line) {
    return Error{ExitCode::failure, "the supervisor's status is malformed near '" + std::string(line.substr(0, 60)) + "'", 0};
}

// Applies the key=value words of one line through `set`, which says
// whether it knew the key's value; unknown keys are fine.
template <typename Set>
Status read_words(std::string_view line, Set set) {
    size_t pos = line.find(' ');
    while (pos != std::string_view::npos) {
        line.remove_prefix(pos + 1);
        pos = line.find(' ');
        std::string_view word = line.substr(0, pos);
        auto eq = word.find('=');
        if (eq == std::string_view::npos) return malformed(word);
        std::string_view key = word.substr(0, eq), text = word.substr(eq + 1);
        if (text == "-") text = {};
        if (!set(key, text)) return malformed(word);
    }
    return Ok{};
}

std::string two(std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::string encode(const Supervisor& s) {
    std::string out = "supervisor";
    put(out, "pid", s.pid);
    put(out, "target", s.target);
    put(out, "uptime", s.uptime_ms);
    put(out, "operation", s.operation);
    put(out, "watchdog", s.watchdog_ms);
    out += '\n';
    for (const auto& in : s.instances) {
        out += "instance";
        put(out, "index", in.index);
        put(out, "pid", in.pid);
        put(out, "state", in.state);
        put(out, "uptime", in.uptime_ms);
        put(out, "backoff", in.backoff_ms);
        put(out, "restarts", in.restarts);
        put(out, "watchdog_kills", in.watchdog_kills);
        put(out, "new_pid", in.new_pid);
        put(out, "old_pid", in.old_pid);
        if (const auto& e = in.last_exit) {
            put(out, e->signaled ? "exit_signal" : "exit_code", e->value);
            put(out, "exit_ago", e->ago_ms);
            put(out, "exit_why", e->watchdog ? "watchdog" : e->too_short ? "min-uptime" : "");
        }
        out += '\n';
    }
    return out;
}

Result<Supervisor> decode(std::string_view text) {
    Supervisor s;
    bool header = false;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.empty()) continue;
        std::string_view kind = line.substr(0, line.find(' '));
        auto number = [](std::string_view t, auto& field) {
            auto v = parse_signed(t);
            if (!v) return false;
            field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
            return true;
        };
        Status ok = Ok{};
        if (kind == "supervisor") {
            header = true;
            ok = read_words(line, [&](std::string_view key, std::string_view v) {
                if (key == "pid") return number(v, s.pid);
                if (key == "target") return number(v, s.target);
                if (key == "uptime") return number(v, s.uptime_ms);
                if (key == "watchdog") return number(v, s.watchdog_ms);
                if (key == "operation") s.operation = v;
                return true;
            });
        } else if (kind == "instance") {
            Instance in;
            LastExit e;
            bool exited = false;
            ok = read_words(line, [&](std::string_view key, std::string_view v) {
                if (key == "index") return number(v, in.index);
                if (key == "pid") return number(v, in.pid);
                if (key == "uptime") return number(v, in.uptime_ms);
                if (key == "backoff") return number(v, in.backoff_ms);
                if (key == "restarts") return number(v, in.restarts);
                if (key == "watchdog_kills") return number(v, in.watchdog_kills);
                if (key == "new_pid") return number(v, in.new_pid);
                if (key == "old_pid") return number(v, in.old_pid);
                if (key == "exit_ago") return number(v, e.ago_ms);
                if (key == "exit_code" || key == "exit_signal") {
                    exited = true;
                    e.signaled = key == "exit_signal";
                    return number(v, e.value);
                }
                if (key == "state") in.state = v;
                if (key == "exit_why") {
                    e.watchdog = v == "watchdog";
                    e.too_short = v == "min-uptime";
                }
                return true;
            });
            if (exited) in.last_exit = e;
            s.instances.push_back(std::move(in));
        }
        if (!ok) return std::move(ok).error();
    }
    if (!header) return malformed(text);
    return s;
}

std::string duration(std::int64_t ms) {
    if (ms < 0) return "-";
    if (ms < 60000) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000);
        return buf;
    }
    std::int64_t s = ms / 1000;
    if (s < 3600) return std::to_string(s / 60) + "m" + two(s % 60) + "s";
    if (s < 86400) return std::to_string(s / 3600) + "h" + two(s / 60 % 60) + "m";
    return std::to_string(s / 86400) + "d" + two(s / 3600 % 24) + "h";
}

std::string describe_exit(const LastExit& e) {
    std::string what = e.signaled ? "SIG" + sys::signal_name(e.value) : "status " + std::to_string(e.value);
    if (e.watchdog) what += " (watchdog)";
    if (e.too_short) what += " (too short)";
    return what;
}

std::string table(const Supervisor& s) {
    std::string out = "supervisor of " + std::to_string(s.target) + (s.target == 1 ? " instance" : " instances") +
                      ", up " + duration(s.uptime_ms);
    if (!s.operation.empty()) out += ", " + s.operation + " under way";
    out += "\n";
    if (s.instances.empty()) return out;
    struct Row { std::string cells[6]; };
    std::vector<Row> rows{{{"INSTANCE", "PID", "STATE", "UPTIME", "RESTARTS", "LAST EXIT"}}};
    for (const auto& in : s.instances) {
        std::string state = in.state;
        if (in.backoff_ms >= 0) state += " (" + duration(in.backoff_ms) + " left)";
        if (in.new_pid != 0) state += ", new run " + std::to_string(in.new_pid) + " starting";
        if (in.old_pid != 0) state += ", old run " + std::to_string(in.old_pid) + " stopping";
        std::string last = "-";
        if (in.last_exit) last = describe_exit(*in.last_exit) + ", " + duration(in.last_exit->ago_ms) + " ago";
        rows.push_back(Row{{std::to_string(in.index), in.pid != 0 ? std::to_string(in.pid) : "-", state,
                            in.pid != 0 ? duration(in.uptime_ms) : "-", std::to_string(in.restarts), last}});
    }
    size_t width[6] = {};
    for (const auto& r : rows)
        for (size_t c = 0; c < 6; ++c) width[c] = std::max(width[c], r.cells[c].size());
    for (const auto& r : rows) {
        std::string line;
        for (size_t c = 0; c < 6; ++c) {
            line += r.cells[c];
            if (c + 1 < 6) line.append(width[c] - r.cells[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

namespace {

std::string seconds(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRId64 ".%03d", ms / 1000, static_cast<int>(ms % 1000));
    return buf;
}

std::string optional_seconds(std::int64_t ms) { return ms < 0 ? "null" : seconds(ms); }
std::string optional_pid(pid_t pid) { return pid == 0 ? "null" : std::to_string(pid); }

// RFC 3339 in UTC: "2026-11-25T12:00:00.123Z".
std::string utc(std::int64_t unix_ms) {
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
    return buf;
}

std::string instance_json(const Instance& in, std::int64_t now_unix_ms) {
    std::string out = "{\"instance\": " + std::to_string(in.index) + ", \"pid\": " + optional_pid(in.pid) +
                      ", \"state\": " + json_string(in.state) + ", \"uptime\": " + optional_seconds(in.uptime_ms) +
                      ", \"backoff_left\": " + optional_seconds(in.backoff_ms) +
                      ", \"restarts\": " + std::to_string(in.restarts) +
                      ", \"watchdog_kills\": " + std::to_string(in.watchdog_kills) +
                      ", \"new_pid\": " + optional_pid(in.new_pid) + ", \"old_pid\": " + optional_pid(in.old_pid) +
                      ", \"last_exit\": ";
    if (!in.last_exit) return out + "null}";
    const LastExit& e = *in.last_exit;
    out += "{\"code\": " + (e.signaled ? std::string("null") : std::to_string(e.value)) +
           ", \"signal\": " + (e.signaled ? json_string("SIG" + sys::signal_name(e.value)) : "null") +
           ", \"ago\": " + seconds(e.ago_ms) + ", \"at\": " + json_string(utc(now_unix_ms - e.ago_ms)) +
           ", \"watchdog\": " + (e.watchdog ? "true" : "false") +
           ", \"too_short\": " + (e.too_short ? "true" : "false") + "}";
    return out + "}";
}

}  // namespace

std::string json(const Document& d) {
    std::string out = "{\n  \"version\": " + std::to_string(json_version) + ",\n  \"pidfile\": " +
                      json_string(d.pidfile) + ",\n  \"state\": " + json_string(d.state) +
                      ",\n  \"running\": " + (d.state == "running" ? "true" : "false") +
                      ",\n  \"pid\": " + optional_pid(d.pid) +
                      ",\n  \"error\": " + (d.error.empty() ? "null" : json_string(d.error)) +
                      ",\n  \"supervisor\": ";
    if (!d.supervisor) return out + "null\n}\n";
    const Supervisor& s = *d.supervisor;
    out += "{\n    \"target\": " + std::to_string(s.target) + ",\n    \"uptime\": " + seconds(s.uptime_ms) +
           ",\n    \"operation\": " + (s.operation.empty() ? "null" : json_string(s.operation)) +
           ",\n    \"watchdog\": " + (s.watchdog_ms > 0 ? seconds(s.watchdog_ms) : "null") +
           ",\n    \"instances\": [";
    for (size_t i = 0; i < s.instances.size(); ++i)
        out += (i == 0 ? "\n      " : ",\n      ") + instance_json(s.instances[i], d.now_unix_ms);
    out += s.instances.empty() ? "]\n  }\n}\n" : "\n    ]\n  }\n}\n";
    return out;
}

}  // namespace daemonize::status

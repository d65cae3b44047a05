// The environment file parser (systemd's EnvironmentFile= rules) and the
// order in which the command's environment is put together.
#include "envfile.hpp"

#include <algorithm>

namespace daemonize {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Reads a file one character at a time, keeping the line number for errors.
class Reader {
public:
    Reader(std::string_view text, std::string_view file) : text_(text), file_(file) {}
    [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const { return text_[pos_]; }
    char take() {
        char c = text_[pos_++];
        if (c == '\n') ++line_;
        return c;
    }
    void skip_blanks() {
        while (!done() && is_blank(peek())) take();
    }
    void skip_line() {
        while (!done() && take() != '\n') {}
    }
    [[nodiscard]] bool looking_at(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
    // Takes a line end ("\n" or "\r\n") if one is next.
    bool line_end() {
        if (looking_at("\r\n")) take();
        if (done() || peek() != '\n') return false;
        take();
        return true;
    }
    void advance(size_t n) {
        for (size_t i = 0; i < n; ++i) take();
    }
    [[nodiscard]] Error error(int line, const std::string& what) const {
        return usage_error("--env-file " + std::string(file_) + ":" + std::to_string(line) + ": " + what);
    }
    [[nodiscard]] int line() const { return line_; }

private:
    std::string_view text_;
    std::string_view file_;
    size_t pos_ = 0;
    int line_ = 1;
};

// A quoted part, after its opening quote, up to the closing one (which may
// be lines away). In double quotes \" \\ \` \$ are escapes, a backslash
// before a line end continues the line, any other backslash is kept.
Status read_quoted(Reader& in, char quote, int start_line, std::string& value) {
    for (;;) {
        if (in.done())
            return in.error(start_line, std::string(quote == '"' ? "a double" : "a single") + " quote is never closed");
        char q = in.take();
        if (q == quote) return Ok{};
        if (quote == '"' && q == '\\' && !in.done()) {
            if (in.line_end()) continue;
            char e = in.take();
            if (e != '"' && e != '\\' && e != '`' && e != '$') value += '\\';
            value += e;
            continue;
        }
        value += q;
    }
}

// The value after '=', as systemd reads it: quotes open only where a value
// (or a part after a closing quote) begins, so "Don't" and a="b" keep their
// quotes; blanks before a part and after the value are dropped; a
// backslash escapes the next character, or continues the line.
Result<std::string> read_value(Reader& in, int start_line) {
    std::string value;
    size_t keep = 0;       // length without trailing unquoted blanks
    bool starting = true;  // at the start of a part: blanks skipped, quotes open
    while (!in.done() && in.peek() != '\n' && !in.looking_at("\r\n")) {
        char c = in.take();
        if (c == '\\') {
            starting = false;
            if (in.line_end()) continue;  // the line goes on
            if (in.done()) break;
            value += in.take();
            keep = value.size();
            continue;
        }
        if (starting && is_blank(c)) continue;
        if (starting && (c == '\'' || c == '"')) {
            if (auto ok = read_quoted(in, c, start_line, value); !ok) return std::move(ok).error();
            keep = value.size();
            continue;  // still `starting`: another quoted part may follow
        }
        starting = false;
        value += c;
        if (!is_blank(c)) keep = value.size();
    }
    if (in.looking_at("\r\n")) in.take();
    value.resize(keep);
    return value;
}

// Whether `entry` ("NAME=VALUE") is the one for `name`.
bool entry_for(const std::string& entry, std::string_view name) {
    return entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=';
}

}  // namespace

void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value) {
    std::string entry = std::string(name) + "=" + std::string(value);
    for (auto& e : env) {
        if (entry_for(e, name)) {
            e = std::move(entry);
            return;
        }
    }
    env.push_back(std::move(entry));
}

namespace {

void remove(std::vector<std::string>& env, std::string_view name) {
    std::erase_if(env, [&](const std::string& e) { return entry_for(e, name); });
}

}  // namespace

bool valid_env_name(std::string_view name) noexcept {
    if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

Result<std::vector<EnvVar>> parse_env_file(std::string_view text, std::string_view file) {
    std::vector<EnvVar> vars;
    Reader in(text, file);
    while (!in.done()) {
        in.skip_blanks();
        if (in.done()) break;
        const int line = in.line();
        if (in.peek() == '\n' || in.peek() == '#' || in.peek() == ';') {
            in.skip_line();
            continue;
        }
        if (in.looking_at("export ") || in.looking_at("export\t")) {
            in.advance(7);
            in.skip_blanks();
        }
        std::string name;
        while (!in.done() && in.peek() != '=' && in.peek() != '\n') name += in.take();
        while (!name.empty() && is_blank(name.back())) name.pop_back();
        if (in.done() || in.peek() != '=') return in.error(line, "'" + name + "' is not KEY=VALUE");
        in.take();
        if (!valid_env_name(name))
            return in.error(line, "'" + name + "' is not a variable name (letters, digits and _)");
        auto value = read_value(in, line);
        if (!value) return std::move(value).error();
        if (value->find('\0') != std::string::npos) return in.error(line, "the value of " + name + " has a NUL byte");
        vars.emplace_back(std::move(name), std::move(*value));
        if (!in.done()) in.take();  // the newline
    }
    return vars;
}

std::vector<std::string> build_environment(const EnvPlan& plan) {
    std::vector<std::string> env;
    if (plan.clear) {
        env.push_back("PATH=" + std::string(default_path));
    } else {
        env = plan.inherited;
    }
    for (const auto* list : {&plan.identity, &plan.files, &plan.explicit_vars})
        for (const auto& [name, value] : *list) set_env(env, name, value);
    for (const auto& name : plan.unset) remove(env, name);
    auto unset = [&](std::string_view name) {
        return std::find(plan.unset.begin(), plan.unset.end(), name) != plan.unset.end();
    };
    if (!plan.pwd.empty() && !unset("PWD")) set_env(env, "PWD", plan.pwd);
    return env;
}

const std::string* find_env(const std::vector<std::string>& env, std::string_view name) {
    for (const auto& e : env)
        if (entry_for(e, name)) return &e;
    return nullptr;
}

}  // namespace daemonize

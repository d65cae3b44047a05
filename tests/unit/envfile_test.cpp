// --env-file syntax (systemd's EnvironmentFile=) and how the command's environment is put together.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "envfile.hpp"

using namespace daemonize;

namespace {

using Vars = std::vector<EnvVar>;
using Env = std::vector<std::string>;

// The assignments of `text`, which must parse.
Vars vars(std::string_view text) {
    auto r = parse_env_file(text, "test.env");
    if (!r) FAIL_CHECK("parse_env_file failed: " << r.error().what);
    return r ? *r : Vars{};
}

// The one value of a file with a single assignment.
std::string value(std::string_view text) {
    Vars v = vars(text);
    REQUIRE(v.size() == 1);
    return v[0].second;
}

// The error for `text` as file "app.env"; it must fail.
std::string error(std::string_view text) {
    auto r = parse_env_file(text, "app.env");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    return r.error().what;
}

// Whether `what` says FILE:LINE with exactly that line number.
bool at_line(const std::string& what, std::string_view file, int line) {
    const std::string where = std::string(file) + ":" + std::to_string(line);
    auto at = what.find(where);
    if (at == std::string::npos) return false;
    auto after = at + where.size();
    return after == what.size() || what[after] < '0' || what[after] > '9';
}

}  // namespace

TEST_CASE("valid_env_name") {
    for (const char* good : {"A", "_", "a", "PATH", "a_1", "_9", "LC_ALL", "x1y2"}) {
        CAPTURE(good);
        CHECK(valid_env_name(good));
    }
    for (const char* bad : {"", "1A", "9", "A-B", "A B", "A=B", "A.B", " A", "A ", "\xc3\x84", "A\tB"}) {
        CAPTURE(bad);
        CHECK_FALSE(valid_env_name(bad));
    }
}

TEST_CASE("parse_env_file: assignments in order, comments and blank lines skipped") {
    const Vars v = vars("# a comment\n"
                        "; another comment\n"
                        "\n"
                        "A=1\n"
                        "   \t\n"
                        "   # an indented comment\n"
                        "\t; and another\n"
                        "B=two\n"
                        "A=3\n");
    CHECK(v == Vars{{"A", "1"}, {"B", "two"}, {"A", "3"}});
    CHECK(vars("").empty());
    CHECK(vars("\n\n# only comments\n").empty());
}

TEST_CASE("parse_env_file: '#' and ';' start a comment only at the start of a line") {
    CHECK(value("A=x#y\n") == "x#y");
    CHECK(value("A=x # y\n") == "x # y");
    CHECK(value("A=a;b\n") == "a;b");
    CHECK(value("A=#\n") == "#");
}

TEST_CASE("parse_env_file: an export prefix") {
    CHECK(vars("export A=1\n") == Vars{{"A", "1"}});
    CHECK(vars("export   B=2\n") == Vars{{"B", "2"}});
    CHECK(vars("  export C=3\n") == Vars{{"C", "3"}});
    // Names that merely begin with "export" are names.
    CHECK(vars("exported=x\n") == Vars{{"exported", "x"}});
    CHECK(vars("export=y\n") == Vars{{"export", "y"}});
}

TEST_CASE("parse_env_file: blanks around the key and before the value are dropped") {
    CHECK(vars("  A  =  1\n") == Vars{{"A", "1"}});
    CHECK(vars("\tB\t=\tx y\n") == Vars{{"B", "x y"}});
    CHECK(vars("C= \"  q  \"\n") == Vars{{"C", "  q  "}});
}

TEST_CASE("parse_env_file: single quotes are literal") {
    CHECK(value(R"(A='a\nb\\c')") == R"(a\nb\\c)");
    CHECK(value(R"(A='$HOME "x" `y`')") == R"($HOME "x" `y`)");
    CHECK(value(R"(A='back\')") == R"(back\)");  // a backslash cannot escape the closing quote
    CHECK(value("A='  spaced  '\n") == "  spaced  ");
    CHECK(value("A='#;'\n") == "#;");
}

TEST_CASE("parse_env_file: double quotes with \\\" \\\\ \\` \\$ escapes, other backslashes kept") {
    CHECK(value(R"(A="a\"b")") == R"(a"b)");
    CHECK(value(R"(A="a\\b")") == R"(a\b)");
    CHECK(value(R"(A="a\`b")") == "a`b");
    CHECK(value(R"(A="a\$b")") == "a$b");
    CHECK(value(R"(A="a\nb\tc\'d")") == R"(a\nb\tc\'d)");
    CHECK(value(R"(A="it's $HOME")") == "it's $HOME");
    CHECK(value(R"(A="\\\"")") == R"(\")");
    CHECK(value(R"(A="")") == "");
}

TEST_CASE("parse_env_file: quotes may span lines") {
    const Vars v = vars("A=\"line one\nline two\"\n"
                        "B='x\n\ny'\n"
                        "C=after\n");
    CHECK(v == Vars{{"A", "line one\nline two"}, {"B", "x\n\ny"}, {"C", "after"}});
}

TEST_CASE("parse_env_file: a backslash at the end of a line continues it") {
    const Vars v = vars("A=foo\\\nbar\n"
                        "B=one\\\ntwo\\\nthree\n"
                        "C=c\n");
    CHECK(v == Vars{{"A", "foobar"}, {"B", "onetwothree"}, {"C", "c"}});
    CHECK(value("A=\"in\\\nquotes\"\n") == "inquotes");  // inside double quotes too
    CHECK(value("A='kept\\\nhere'\n") == "kept\\\nhere");  // but not inside single quotes
}

TEST_CASE("parse_env_file: unquoted, a backslash escapes the next character") {
    CHECK(value(R"(A=a\ b)") == "a b");
    CHECK(value(R"(A=\"x\")") == R"("x")");
    CHECK(value(R"(A=\'x)") == "'x");
    CHECK(value(R"(A=a\\b)") == R"(a\b)");
    CHECK(value(R"(A=\$HOME)") == "$HOME");
    CHECK(value(R"(A=\n)") == "n");
}

TEST_CASE("parse_env_file: trailing blanks are dropped, blanks inside quotes kept") {
    CHECK(value("A=foo   \n") == "foo");
    CHECK(value("A=foo \t \t\n") == "foo");
    CHECK(value("A=a  b  \n") == "a  b");
    CHECK(value("A=\"foo  \"\n") == "foo  ");
    CHECK(value("A=\"  x  \"   \n") == "  x  ");
    CHECK(value("A='  y '\t\n") == "  y ");
    CHECK(value("A=foo\\ \n") == "foo ");  // an escaped blank is not trailing
}

// systemd's rule: a quote opens only where a value, or a part after a
// closing quote, begins; anywhere else it is an ordinary character.
TEST_CASE("parse_env_file: quotes open only at the start of a part") {
    CHECK(value(R"(A=a"b c"'d')") == R"(a"b c"'d')");
    CHECK(value(R"(A=x"y"z)") == R"(x"y"z)");
    CHECK(value(R"(MSG=Don't panic)") == "Don't panic");
    CHECK(value(R"(JSON={"a":1})") == R"({"a":1})");
    CHECK(value(R"(JAVA_OPTS=-Dn="a b")") == R"(-Dn="a b")");
    CHECK(value(R"(A='a'"b"c\ d)") == "abc d");
    CHECK(value(R"(A="a" 'b')") == "ab");  // blanks between parts are skipped
    CHECK(value(R"(A="x" "y")") == "xy");
}

TEST_CASE("parse_env_file: empty values") {
    CHECK(vars("A=\n") == Vars{{"A", ""}});
    CHECK(vars("A=   \n") == Vars{{"A", ""}});
    CHECK(vars("A=''\n") == Vars{{"A", ""}});
    CHECK(vars("A=\"\"\n") == Vars{{"A", ""}});
    CHECK(vars("A=") == Vars{{"A", ""}});
    CHECK(vars("A=\nB=2\n") == Vars{{"A", ""}, {"B", "2"}});
}

TEST_CASE("parse_env_file: values keep their '='") {
    CHECK(value("A=b=c\n") == "b=c");
    CHECK(value("URL=http://h/?a=1&b=2\n") == "http://h/?a=1&b=2");
}

TEST_CASE("parse_env_file: CRLF line ends") {
    const Vars v = vars("# comment\r\n"
                        "A=1\r\n"
                        "\r\n"
                        "B=\"x y\"\r\n"
                        "export C='z'\r\n"
                        "D=\r\n"
                        "E=last\r\n");
    CHECK(v == Vars{{"A", "1"}, {"B", "x y"}, {"C", "z"}, {"D", ""}, {"E", "last"}});
}

// A file written on Windows: "\\\r\n" continues the line as "\\\n" does.
TEST_CASE("parse_env_file: a backslash at the end of a CRLF line continues it") {
    const Vars v = vars("A=foo\\\r\nbar\r\nB=2\r\n");
    CHECK(v == Vars{{"A", "foobar"}, {"B", "2"}});
    for (const EnvVar& var : vars("A=foo\\\r\nB=2\r\n")) {
        CAPTURE(var.first);
        CHECK(var.second.find('\r') == std::string::npos);
    }
}

TEST_CASE("parse_env_file: the last line needs no newline") {
    CHECK(vars("A=1\nB=2") == Vars{{"A", "1"}, {"B", "2"}});
    CHECK(vars("A='q'") == Vars{{"A", "q"}});
    CHECK(vars("A=\"q\"") == Vars{{"A", "q"}});
    CHECK(vars("A=x   ") == Vars{{"A", "x"}});
    CHECK(vars("# just a comment") == Vars{});
}

TEST_CASE("parse_env_file: a line without '=' is an error at its line") {
    const std::string what = error("A=1\nB=2\nNOEQUALS\nC=3\n");
    CAPTURE(what);
    CHECK(at_line(what, "app.env", 3));
    CHECK(what.find("NOEQUALS") != std::string::npos);
    const std::string first = error("oops\n");
    CAPTURE(first);
    CHECK(at_line(first, "app.env", 1));
    const std::string after_comments = error("# c\n\n; c\nA=1\n   \nexport B\n");
    CAPTURE(after_comments);
    CHECK(at_line(after_comments, "app.env", 6));
    CHECK(at_line(error("A=1\nlast"), "app.env", 2));
}

TEST_CASE("parse_env_file: invalid names are errors") {
    for (const char* bad : {"1A=x", "A-B=x", "=x", "A B=x", "A.B=x", "  =x", "export =x"}) {
        CAPTURE(bad);
        const std::string what = error(bad);
        CAPTURE(what);
        CHECK(at_line(what, "app.env", 1));
        const std::string later = error("GOOD=1\n" + std::string(bad) + "\n");
        CAPTURE(later);
        CHECK(at_line(later, "app.env", 2));
    }
}

TEST_CASE("parse_env_file: an unclosed quote is an error at the line it opens") {
    for (const char* quote : {"\"", "'"}) {
        CAPTURE(quote);
        const std::string what = error(std::string("A=1\nB=") + quote + "abc\nC=2\nD=3\n");
        CAPTURE(what);
        CHECK(at_line(what, "app.env", 2));
        CHECK_FALSE(at_line(what, "app.env", 4));
        const std::string at_end = error(std::string("A=") + quote);
        CAPTURE(at_end);
        CHECK(at_line(at_end, "app.env", 1));
    }
    CHECK(at_line(error(R"(A="abc\")"), "app.env", 1));  // the escaped quote closes nothing
}

TEST_CASE("parse_env_file: line numbers count the lines of multi-line values") {
    const std::string quoted = error("A=\"1\n2\n3\"\nB\n");
    CAPTURE(quoted);
    CHECK(at_line(quoted, "app.env", 4));
    const std::string continued = error("A=x\\\ny\nB=z\n-\n");
    CAPTURE(continued);
    CHECK(at_line(continued, "app.env", 4));
    const std::string crlf = error("A=1\r\nB=2\r\nC D=3\r\n");
    CAPTURE(crlf);
    CHECK(at_line(crlf, "app.env", 3));
}

TEST_CASE("parse_env_file: the error names the file as given") {
    auto r = parse_env_file("A=1\nbad\n", "/etc/default/my app");
    REQUIRE_FALSE(r);
    CHECK(at_line(r.error().what, "/etc/default/my app", 2));
}

TEST_CASE("build_environment: the inherited environment is kept, unless cleared") {
    EnvPlan plan;
    plan.inherited = {"A=1", "PATH=/x", "B=2"};
    CHECK(build_environment(plan) == Env{"A=1", "PATH=/x", "B=2"});
    plan.clear = true;
    CHECK(build_environment(plan) == Env{"PATH=" + std::string(default_path)});
    plan.inherited.clear();
    CHECK(build_environment(plan) == Env{"PATH=" + std::string(default_path)});
    plan.clear = false;
    CHECK(build_environment(plan).empty());
}

TEST_CASE("build_environment: identity, files, then -E; later ones replace in place") {
    EnvPlan plan;
    plan.inherited = {"HOME=/root", "X=0", "USER=root", "KEEP=k"};
    plan.identity = {{"HOME", "/home/u"}, {"USER", "u"}, {"LOGNAME", "u"}};
    plan.files = {{"X", "file"}, {"Y", "file"}, {"LOGNAME", "fromfile"}};
    plan.explicit_vars = {{"Y", "cli"}, {"Z", "cli"}, {"HOME", "/cli"}};
    CHECK(build_environment(plan) ==
          Env{"HOME=/cli", "X=file", "USER=u", "KEEP=k", "LOGNAME=fromfile", "Y=cli", "Z=cli"});
    // Within one list too, the last assignment wins, where the first was.
    EnvPlan twice;
    twice.files = {{"A", "1"}, {"B", "1"}, {"A", "2"}};
    CHECK(build_environment(twice) == Env{"A=2", "B=1"});
}

TEST_CASE("build_environment: --unset removes after every assignment") {
    EnvPlan plan;
    plan.inherited = {"A=1", "B=2", "C=3"};
    plan.files = {{"X", "f"}};
    plan.explicit_vars = {{"Y", "e"}};
    plan.identity = {{"HOME", "/h"}};
    plan.unset = {"B", "X", "Y", "HOME", "NOT_THERE"};
    CHECK(build_environment(plan) == Env{"A=1", "C=3"});
    EnvPlan clear;
    clear.clear = true;
    clear.unset = {"PATH"};
    CHECK(build_environment(clear).empty());
}

TEST_CASE("build_environment: PWD is the working directory unless unset") {
    EnvPlan plan;
    plan.inherited = {"PWD=/old", "A=1"};
    plan.pwd = "/srv";
    CHECK(build_environment(plan) == Env{"PWD=/srv", "A=1"});
    plan.inherited = {"A=1"};
    CHECK(build_environment(plan) == Env{"A=1", "PWD=/srv"});
    plan.explicit_vars = {{"PWD", "/elsewhere"}};
    CHECK(build_environment(plan) == Env{"A=1", "PWD=/srv"});  // PWD comes last, from the directory
    plan.explicit_vars.clear();
    plan.inherited = {"PWD=/old", "A=1"};
    plan.unset = {"PWD"};
    CHECK(build_environment(plan) == Env{"A=1"});
    plan.unset.clear();
    plan.pwd.clear();
    CHECK(build_environment(plan) == Env{"PWD=/old", "A=1"});  // no directory: left alone
}

TEST_CASE("build_environment: -E PATH replaces the default PATH of a cleared environment") {
    EnvPlan plan;
    plan.inherited = {"PATH=/inherited", "A=1"};
    plan.clear = true;
    plan.files = {{"F", "1"}};
    plan.explicit_vars = {{"PATH", "/opt/bin"}};
    plan.pwd = "/";
    CHECK(build_environment(plan) == Env{"PATH=/opt/bin", "F=1", "PWD=/"});
    plan.explicit_vars.clear();
    plan.files = {{"PATH", "/file/bin"}};
    CHECK(build_environment(plan) == Env{"PATH=/file/bin", "PWD=/"});
}

TEST_CASE("find_env") {
    const Env env{"A=1", "AB=2", "B=", "C=x=y"};
    REQUIRE(find_env(env, "A"));
    CHECK(*find_env(env, "A") == "A=1");
    REQUIRE(find_env(env, "AB"));
    CHECK(*find_env(env, "AB") == "AB=2");
    REQUIRE(find_env(env, "B"));
    CHECK(*find_env(env, "B") == "B=");
    REQUIRE(find_env(env, "C"));
    CHECK(*find_env(env, "C") == "C=x=y");
    CHECK(find_env(env, "D") == nullptr);
    CHECK(find_env(env, "ABC") == nullptr);
    CHECK(find_env(Env{"AB=2"}, "A") == nullptr);
    CHECK(find_env(Env{}, "A") == nullptr);
    CHECK(find_env(env, "A") == &env[0]);
}

TEST_CASE("set_env") {
    Env env{"A=1", "B=2", "AB=3"};
    set_env(env, "B", "new");
    CHECK(env == Env{"A=1", "B=new", "AB=3"});
    set_env(env, "C", "x=y");
    CHECK(env == Env{"A=1", "B=new", "AB=3", "C=x=y"});
    set_env(env, "A", "");
    CHECK(env == Env{"A=", "B=new", "AB=3", "C=x=y"});
    set_env(env, "A", "again");
    CHECK(env == Env{"A=again", "B=new", "AB=3", "C=x=y"});
    Env prefix{"ABC=1"};
    set_env(prefix, "AB", "2");
    CHECK(prefix == Env{"ABC=1", "AB=2"});
}

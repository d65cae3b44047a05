// CLI → Options: what each word of the command line turns into.
#include <doctest/doctest.h>

#include "cli.hpp"
#include "parse_words.hpp"

using namespace daemonize;


TEST_CASE("cli: defaults") {
    auto r = parse({"sleep", "10"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(r->action == Action::run);
    CHECK(o.command == std::vector<std::string>{"sleep", "10"});
    CHECK(o.chdir == "/");
    CHECK(o.umask == 022);
    CHECK(o.stdio.in.empty());
    CHECK(o.stdio.out.empty());
    CHECK(o.stdio.err.empty());
    CHECK_FALSE(o.stdio.truncate);
    CHECK(o.pidfile.empty());
    CHECK(o.env.empty());
    CHECK(o.verbosity == Verbosity::normal);
}

TEST_CASE("cli: every option lands in its field") {
    auto r = parse({"-c", "/srv", "-m", "027", "-i", "in", "-o", "out", "-e", "err", "--truncate", "-p",
                    "x.pid", "-u", "nobody:nogroup", "-g", "nogroup", "-E", "A=1", "--env", "B=x=y", "-v",
                    "--", "app"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(o.chdir == "/srv");
    CHECK(o.umask == 027);
    CHECK(o.stdio.in == "in");
    CHECK(o.stdio.out == "out");
    CHECK(o.stdio.err == "err");
    CHECK(o.stdio.truncate);
    CHECK(o.pidfile == "x.pid");
    CHECK(o.identity.user == "nobody:nogroup");
    CHECK(o.identity.group == "nogroup");
    REQUIRE(o.env.size() == 2);
    CHECK(o.env[0] == std::pair<std::string, std::string>{"A", "1"});
    CHECK(o.env[1] == std::pair<std::string, std::string>{"B", "x=y"});
    CHECK(o.verbosity == Verbosity::verbose);
    CHECK(o.command == std::vector<std::string>{"app"});
}

TEST_CASE("cli: long options with =, short options glued to their value") {
    auto r = parse({"--pidfile=a.pid", "-ob.log", "--umask=0077", "true"});
    REQUIRE(r);
    CHECK(r->options.pidfile == "a.pid");
    CHECK(r->options.stdio.out == "b.log");
    CHECK(r->options.umask == 077);
}

TEST_CASE("cli: options stop at the first non-option word") {
    auto r = parse({"-p", "x.pid", "ls", "-l", "--pidfile", "y", "--"});
    REQUIRE(r);
    CHECK(r->options.pidfile == "x.pid");
    CHECK(r->options.command == std::vector<std::string>{"ls", "-l", "--pidfile", "y", "--"});
}

TEST_CASE("cli: a leading -- is dropped, later ones are the command's") {
    auto r = parse({"-v", "--", "--", "x"});
    REQUIRE(r);
    CHECK(r->options.command == std::vector<std::string>{"--", "x"});

    auto dash = parse({"--", "-weird-name", "--flag"});
    REQUIRE(dash);
    CHECK(dash->options.command == std::vector<std::string>{"-weird-name", "--flag"});
}

TEST_CASE("cli: -E takes exactly one word each time") {
    auto r = parse({"-E", "A=1", "ls", "-l"});
    REQUIRE(r);
    CHECK(r->options.env.size() == 1);
    CHECK(r->options.command == std::vector<std::string>{"ls", "-l"});
}

TEST_CASE("cli: an unknown option is a usage error, not the command") {
    for (auto words : std::vector<std::vector<std::string>>{{"--bogus", "ls"}, {"-v", "--bogus"}, {"-Z", "ls"}}) {
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(r.error().what.find("--help") != std::string::npos);
    }
    auto r = parse({"--bogus", "ls"});
    CHECK(r.error().what.find("'--bogus'") != std::string::npos);
}

TEST_CASE("cli: a command is required") {
    for (auto words : std::vector<std::vector<std::string>>{{}, {"-p", "x.pid"}, {"--"}, {"-v", "--"}}) {
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(r.error().what.find("no command") != std::string::npos);
    }
}

TEST_CASE("cli: an option without its value") {
    auto r = parse({"-p"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    CHECK(r.error().what.find("--pidfile") != std::string::npos);
}

TEST_CASE("cli: empty values are refused, never taken as the default") {
    for (const char* opt : {"--pidfile", "-o", "-e", "-i", "-c", "-u", "-g", "-m", "--stop-timeout",
                            "--restart-delay", "--max-restarts", "--log-max-size"}) {
        CAPTURE(opt);
        auto r = parse({opt, "", "true"});
        REQUIRE_FALSE(r);
        CHECK(r.error().what.find("empty") != std::string::npos);
    }
}

TEST_CASE("cli: -v and -q exclude each other") {
    auto r = parse({"-v", "-q", "true"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    auto q = parse({"-q", "true"});
    REQUIRE(q);
    CHECK(q->options.verbosity == Verbosity::quiet);
}

TEST_CASE("cli: --help and --version win over a missing command") {
    auto h = parse({"--help"});
    REQUIRE(h);
    CHECK(h->action == Action::help);
    CHECK(h->text.find("--pidfile") != std::string::npos);
    CHECK(h->text.find("Examples") != std::string::npos);
    auto v = parse({"-V"});
    REQUIRE(v);
    CHECK(v->action == Action::version);
    CHECK(v->text == std::string("daemonize ") + DAEMONIZE_VERSION + "\n");
}

TEST_CASE("cli: bad umask and env values") {
    CHECK_FALSE(parse({"-m", "8", "true"}));
    CHECK_FALSE(parse({"-m", "1000", "true"}));
    CHECK_FALSE(parse({"-E", "NOEQUALS", "true"}));
    CHECK_FALSE(parse({"-E", "=value", "true"}));
}

TEST_CASE("parse_umask") {
    CHECK(*parse_umask("0") == 0);
    CHECK(*parse_umask("022") == 022);
    CHECK(*parse_umask("777") == 0777);
    CHECK(*parse_umask("0777") == 0777);
    CHECK_FALSE(parse_umask(""));
    CHECK_FALSE(parse_umask("9"));
    CHECK_FALSE(parse_umask("-1"));
    CHECK_FALSE(parse_umask("0o22"));
    CHECK_FALSE(parse_umask("01000"));
    CHECK_FALSE(parse_umask("00000"));
}

TEST_CASE("parse_env_assignment") {
    CHECK(*parse_env_assignment("A=") == std::pair<std::string, std::string>{"A", ""});
    CHECK(*parse_env_assignment("PATH=/a:/b") == std::pair<std::string, std::string>{"PATH", "/a:/b"});
    CHECK_FALSE(parse_env_assignment("A"));
    CHECK_FALSE(parse_env_assignment("=A"));
    CHECK_FALSE(parse_env_assignment(""));
}

TEST_CASE("cli: supervision options") {
    auto r = parse({"-r", "-n", "4", "--max-restarts", "5/60", "--restart-delay", "0.5:10", "--success-exit", "0,3",
                    "--stop-timeout", "2.5", "worker"});
    REQUIRE(r);
    const SuperviseOptions& s = r->options.supervise;
    CHECK(s.active());
    CHECK_FALSE(s.plain_init());
    CHECK(s.restart == RestartPolicy::on_failure);
    CHECK(s.instances == 4);
    CHECK(s.max_restarts.count == 5);
    CHECK(s.max_restarts.window == std::chrono::milliseconds(60000));
    CHECK(s.delay.min == std::chrono::milliseconds(500));
    CHECK(s.delay.max == std::chrono::milliseconds(10000));
    CHECK(s.success_exit == std::vector<int>{0, 3});
    CHECK(s.stop_timeout == std::chrono::milliseconds(2500));
}

TEST_CASE("cli: supervision defaults, and what makes daemonize resident") {
    auto plain = parse({"app"});
    REQUIRE(plain);
    CHECK_FALSE(plain->options.supervise.active());
    CHECK(plain->options.supervise.delay.min == std::chrono::milliseconds(100));
    CHECK(plain->options.supervise.delay.max == std::chrono::milliseconds(30000));
    CHECK(plain->options.supervise.stop_timeout == std::chrono::milliseconds(10000));
    CHECK(plain->options.supervise.max_restarts.count == -1);

    auto fg = parse({"-f", "app"});
    REQUIRE(fg);
    CHECK(fg->options.supervise.active());
    CHECK(fg->options.supervise.plain_init());

    auto n = parse({"-n", "0", "app"});
    REQUIRE(n);
    CHECK(n->options.supervise.active());
    CHECK(n->options.supervise.instances == 0);
    CHECK(n->options.supervise.restart == RestartPolicy::no);

    auto always = parse({"--restart", "always", "app"});
    REQUIRE(always);
    CHECK(always->options.supervise.restart == RestartPolicy::always);
}

TEST_CASE("cli: supervision option errors") {
    CHECK_FALSE(parse({"-r", "--restart", "always", "app"}));       // two policies
    CHECK_FALSE(parse({"--restart", "sometimes", "app"}));
    CHECK_FALSE(parse({"-n", "-1", "app"}));
    CHECK_FALSE(parse({"-n", "10001", "app"}));
    CHECK_FALSE(parse({"-r", "--max-restarts", "x", "app"}));
    CHECK_FALSE(parse({"-r", "-n", "2", "--child-pidfile", "c.pid", "app"}));
    auto idle = parse({"--max-restarts", "3", "app"});  // nothing to limit
    REQUIRE_FALSE(idle);
    CHECK(idle.error().what.find("only applies when supervising") != std::string::npos);
    CHECK(parse({"-r", "--child-pidfile", "c.pid", "app"}));
}

TEST_CASE("cli: readiness options") {
    auto r = parse({"-w", "--ready-timeout", "2.5", "srv"});
    REQUIRE(r);
    CHECK(r->options.ready.wait);
    CHECK(r->options.ready.timeout == Millis{2500});
    CHECK(r->options.ready.fd == -1);
    CHECK(r->options.ready.timeout == Millis{2500});
    auto fd = parse({"--ready-fd", "3", "srv"});
    REQUIRE(fd);
    CHECK(fd->options.ready.wait);  // implied
    CHECK(fd->options.ready.fd == 3);
    CHECK(parse({"-w", "srv"})->options.ready.timeout == Millis{60000});
    CHECK(parse({"-w", "--ready-timeout", "0", "srv"})->options.ready.timeout == Millis{0});
    CHECK(parse({"-w", "--stop-timeout", "1", "srv"}));  // how long the stop after a timeout waits
    for (std::vector<std::string> bad : {std::vector<std::string>{"--ready-timeout", "5", "srv"},
                                         {"--ready-fd", "2", "srv"}, {"--ready-fd", "x", "srv"},
                                         {"-w", "--ready-timeout", "soon", "srv"}, {"-w", "-p", "x", "--status"}}) {
        auto e = parse(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == ExitCode::failure);
    }
}

TEST_CASE("cli: --timestamps and --syslog take a value only after '='") {
    auto r = parse({"--timestamps", "--syslog", "python3", "app.py"});
    REQUIRE(r);
    CHECK(r->options.command == std::vector<std::string>{"python3", "app.py"});
    CHECK(r->options.log.timestamps == TimeFormat::iso);
    CHECK(r->options.log.syslog);
    CHECK(r->options.log.syslog_tag.empty());
    auto v = parse({"--timestamps=unix", "--syslog=web", "srv"});
    REQUIRE(v);
    CHECK(v->options.log.timestamps == TimeFormat::unix_seconds);
    CHECK(v->options.log.syslog_tag == "web");
    CHECK_FALSE(parse({"--timestamps=rfc", "srv"}));
    CHECK_FALSE(parse({"--syslog=a b", "srv"}));
    // "=" with nothing after it names nothing: an error, not the default...
    for (const char* empty : {"--timestamps=", "--syslog="}) {
        CAPTURE(empty);
        auto e = parse({empty, "srv"});
        REQUIRE_FALSE(e);
        CHECK(e.error().what.find("empty") != std::string::npos);
    }
    // ...but the same words as the command's own arguments are the command's.
    auto c = parse({"-f", "--", "tool", "--timestamps=", "--syslog="});
    REQUIRE(c);
    CHECK(c->options.command == std::vector<std::string>{"tool", "--timestamps=", "--syslog="});
}

TEST_CASE("cli: --signal with an empty name") {
    auto r = parse({"--signal", "", "-p", "x.pid"});
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("empty") != std::string::npos);
}

TEST_CASE("cli: numbers are range-checked, never wrapped") {
    auto big = parse({"-r", "--stop-timeout", "4294967.296", "true"});
    REQUIRE(big);
    CHECK(big->options.supervise.stop_timeout == std::chrono::milliseconds(4294967296LL));
    for (auto words : std::vector<std::vector<std::string>>{
             {"-r", "--stop-timeout", "100000000.5", "true"},
             {"--log-max-size", "17179869185G", "-o", "x", "true"},
             {"-n", "10001", "true"},
             {"-r", "--max-restarts", "1000001", "true"},
             {"-m", "1000", "true"},
             {"-m", "-1", "true"},
             {"--ready-fd", "65536", "true"},
             {"--ready-fd", "2", "true"},
             {"-r", "--success-exit", "256", "true"},
             {"--signal", "65", "-p", "x"}}) {
        CAPTURE(words.front());
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("cli: --pidfile and --child-pidfile may not be the same file") {
    auto r = parse({"-r", "-p", "a.pid", "--child-pidfile", "a.pid", "true"});
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("same file") != std::string::npos);
}

TEST_CASE("cli: a log option makes daemonize a supervisor that captures the output") {
    auto r = parse({"--timestamps", "-o", "app.log", "srv"});
    REQUIRE(r);
    CHECK(r->options.supervise.active());
    CHECK(r->options.supervise.for_logging);
    CHECK(r->options.supervise.capture);
    CHECK_FALSE(r->options.supervise.plain_init());
    // Supervising with files: captured; without files or supervision: not.
    CHECK(parse({"-r", "-o", "x.log", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-r", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-o", "x.log", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-r", "--timestamps", "srv"})->options.supervise.for_logging);
    auto rot = parse({"-r", "--log-max-size", "10M", "--log-keep", "2", "-o", "x.log", "srv"});
    REQUIRE(rot);
    CHECK(rot->options.log.max_size == 10ULL << 20);
    CHECK(rot->options.log.keep == 2);
    CHECK(parse({"-n", "2", "-o", "x-%i.log", "srv"}));
    for (std::vector<std::string> bad : {std::vector<std::string>{"--log-max-size", "1M", "srv"},
                                         {"--log-keep", "3", "-o", "x", "srv"},
                                         {"-r", "--log-max-size", "1X", "-o", "x", "srv"},
                                         {"-o", "x-%i.log", "srv"},
                                         {"--log-prefix", "-p", "x.pid", "--status"}}) {
        CHECK_FALSE(parse(bad));
    }
}

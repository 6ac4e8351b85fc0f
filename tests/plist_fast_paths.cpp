// SPDX-License-Identifier: MIT
// The plist fast paths give the plain paths' answers: gateway::launchd_plist's template text against
// the plist_writer renderer it replaced (output and errors), the XML escapers' run skipping against
// their byte-at-a-time form, and parse_plist's in-place values against the values that were written.
#include <cstdint>
#include <hermes/service/gateway.hpp>
#include <hermes/service/launchd/compare.hpp>
#include <hermes/service/launchd/plist.hpp>
#include <hermes/service/launchd/read.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/plain_plist_writer.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;

namespace {

// gateway::launchd_plist as it was written on plist_writer (support/plain_plist_writer.hpp) (commit 80335ad):
// the reference for the template text, output and errors alike.
hs::result<std::string> reference_launchd_plist(const g::plist_options& o) {
    using namespace hs;
    using namespace hs::gateway;
    namespace detail = hs::gateway::detail;
    if (auto ok = check_anchor_path(o.hermes_home, "HERMES_HOME"); !ok)
        return unexpected_error(std::move(ok.error()));
    const std::string hermes_home = lexically_normal(o.hermes_home);
    if (auto ok = detail::check_not_temporary(hermes_home, o.tmpdir, o.allow_temporary_home); !ok)
        return unexpected_error(std::move(ok.error()));
    auto choice = stable_service_working_dir(
        o.hermes_home_is_dir ? std::optional<std::string_view>(hermes_home) : std::nullopt, o.project_root);
    if (!choice) return unexpected_error(std::move(choice.error()));
    const std::string log_dir =
        o.log_dir.empty() ? detail::join(hermes_home, "logs") : lexically_normal(o.log_dir);
    if (auto ok = check_anchor_path(log_dir, "log_dir"); !ok) return unexpected_error(std::move(ok.error()));

    std::vector<std::string> path;
    for (const std::string& e : o.path_entries)
        if (!e.empty() && std::find(path.begin(), path.end(), e) == path.end()) path.push_back(e);
    for (const char* sys : {"/bin", "/sbin", "/usr/bin", "/usr/sbin"})
        if (std::find(path.begin(), path.end(), sys) == path.end()) path.emplace_back(sys);
    auto path_value = detail::join_path(path, /*absolute=*/false);
    if (!path_value) return unexpected_error(std::move(path_value.error()));

    const std::string label = launchd_label(o.suffix);
    if (auto ok = launchd::detail::check_label(label); !ok) return unexpected_error(std::move(ok.error()));
    if (o.program_arguments.empty())
        return make_error(errc::empty_value, "ProgramArguments", "give at least the executable");
    if (auto ok = launchd::detail::check_plist_path(o.program_arguments[0], "ProgramArguments[0]"); !ok)
        return unexpected_error(std::move(ok.error()));
    if (auto ok = launchd::detail::check_plist_path(choice->path, "WorkingDirectory"); !ok)
        return unexpected_error(std::move(ok.error()));
    if (o.nofile_soft_limit && *o.nofile_soft_limit == 0)
        return make_error(errc::out_of_range, "SoftResourceLimits.NumberOfFiles",
                          "a limit of 0 files leaves the job unable to run");
    const std::string out_log = log_dir + "/gateway.log";
    const std::string err_log = log_dir + "/gateway.error.log";

    std::string out;
    using hermes_test::plain::xml_escape;
    using hs::detail::field_ref;
    constexpr std::string_view in1 = "    ";
    constexpr std::string_view in2 = "        ";
    hermes_test::plain::plist_writer w(out);
    w.begin();
    w.key(in1, "Label");
    if (auto ok = w.string(in1, label, "Label", xml_escape::minimal); !ok)
        return unexpected_error(ok.error());
    w.layout("");
    w.key(in1, "ProgramArguments");
    w.open(in1, "array");
    for (std::size_t i = 0; i < o.program_arguments.size(); ++i)
        if (auto ok =
                w.string(in2, o.program_arguments[i], field_ref("ProgramArguments", i), xml_escape::all);
            !ok)
            return unexpected_error(ok.error());
    w.close(in1, "array");
    w.layout(in1);
    w.key(in1, "WorkingDirectory");
    if (auto ok = w.string(in1, choice->path, "WorkingDirectory", xml_escape::minimal); !ok)
        return unexpected_error(ok.error());
    w.layout(in1);
    w.key(in1, "EnvironmentVariables");
    w.open(in1, "dict");
    w.key(in2, "PATH");
    if (auto ok = w.string(in2, *path_value, field_ref("EnvironmentVariables", "PATH"), xml_escape::minimal);
        !ok)
        return unexpected_error(ok.error());
    w.layout("");
    w.key(in2, "HERMES_HOME");
    if (auto ok =
            w.string(in2, hermes_home, field_ref("EnvironmentVariables", "HERMES_HOME"), xml_escape::minimal);
        !ok)
        return unexpected_error(ok.error());
    w.key(in2, "HERMES_SUPERVISED_CHILD");
    if (auto ok = w.string(in2, "1", field_ref("EnvironmentVariables", "HERMES_SUPERVISED_CHILD"),
                           xml_escape::minimal);
        !ok)
        return unexpected_error(ok.error());
    w.close(in1, "dict");
    w.layout("");
    w.key(in1, "LimitLoadToSessionType");
    w.open(in1, "array");
    for (const std::string_view session : {"Aqua", "Background"})
        if (auto ok = w.string(in2, session, "LimitLoadToSessionType", xml_escape::minimal); !ok)
            return unexpected_error(ok.error());
    w.close(in1, "array");
    w.layout(in1);
    w.key(in1, "RunAtLoad");
    w.boolean(in1, true);
    w.layout(in1);
    w.key(in1, "KeepAlive");
    w.boolean(in1, true);
    w.layout("");
    for (const std::string_view line : detail::throttle_comment) w.layout(line);
    w.key(in1, "ThrottleInterval");
    w.integer(in1, 30);
    w.layout("");
    w.key(in1, "ExitTimeOut");
    w.integer(in1, 25);
    if (o.nofile_soft_limit) {
        w.layout("");
        w.key(in1, "SoftResourceLimits");
        w.open(in1, "dict");
        w.key(in2, "NumberOfFiles");
        w.integer(in2, *o.nofile_soft_limit);
        w.close(in1, "dict");
    }
    w.layout("");
    w.key(in1, "StandardOutPath");
    if (auto ok = w.string(in1, out_log, "StandardOutPath", xml_escape::minimal); !ok)
        return unexpected_error(ok.error());
    w.layout(in1);
    w.key(in1, "StandardErrorPath");
    if (auto ok = w.string(in1, err_log, "StandardErrorPath", xml_escape::minimal); !ok)
        return unexpected_error(ok.error());
    w.end();
    return out;
}

g::plist_options alice_options() {
    g::installation in;
    in.python = "/usr/bin/python3";
    in.project_root = "/Users/alice/hermes";
    return g::agent_plist_options(in, "/Users/alice/.hermes", "/Users/alice/.hermes");
}

/// Both renderers agree on `o`: the same text, or the same error; the reused-string overload too.
void require_same_plist(const g::plist_options& o, std::string& reused) {
    const auto fast = g::launchd_plist(o);
    const auto plain = reference_launchd_plist(o);
    REQUIRE(fast.has_value() == plain.has_value());
    const auto into = g::launchd_plist(o, reused);
    REQUIRE(into.has_value() == plain.has_value());
    if (plain) {
        REQUIRE(*fast == *plain);
        REQUIRE(reused == *plain);
    } else {
        REQUIRE(fast.error() == plain.error());
        REQUIRE(into.error() == plain.error());
        REQUIRE(reused.empty());  // never a partial plist, even where the error comes late
        reused = "left over from an earlier call";
    }
}

/// Random bytes, biased towards the ones the XML escapers decide about.
std::string random_text(std::mt19937& rng, std::size_t max_size) {
    static const std::string interesting =
        "&<>\"']]\r\n\t\x01\x7F\xC3\xA9\xEF\xBF\xBE\xEF\xBF\xBF\xF0\x9F\x98\x80/. :";
    std::string s(rng() % (max_size + 1), 'a');
    for (char& c : s) {
        const auto r = static_cast<unsigned>(rng() % 8);
        if (r < 3)
            c = interesting[rng() % interesting.size()];
        else if (r < 4)
            c = static_cast<char>(rng() % 256);
        else
            c = static_cast<char>('a' + rng() % 26);
    }
    return s;
}

template <bool Bytewise>
hs::result<std::string> xml_text(std::string_view value, bool quotes) {
    std::string out;
    hs::detail::string_sink sink{&out};
    if (auto ok = hs::detail::put_xml_text<Bytewise>(sink, value, "v", quotes); !ok)
        return hs::unexpected_error(std::move(ok.error()));
    return out;
}
template <bool Bytewise>
hs::result<std::string> xml_chardata(std::string_view value) {
    std::string out;
    hs::detail::basic_buffer_sink<8> sink(out);  // a tiny buffer: every flush path is taken
    if (auto ok = hs::detail::put_xml_chardata<Bytewise>(sink, value, "v"); !ok)
        return hs::unexpected_error(std::move(ok.error()));
    sink.finish();
    return out;
}

void require_same_escapes(const std::string& s) {
    for (const bool quotes : {true, false}) {
        const auto fast = xml_text<false>(s, quotes);
        const auto plain = xml_text<true>(s, quotes);
        REQUIRE(fast.has_value() == plain.has_value());
        if (plain)
            REQUIRE(*fast == *plain);
        else
            REQUIRE(fast.error() == plain.error());
    }
    const auto fast = xml_chardata<false>(s);
    const auto plain = xml_chardata<true>(s);
    REQUIRE(fast.has_value() == plain.has_value());
    if (plain)
        REQUIRE(*fast == *plain);
    else
        REQUIRE(fast.error() == plain.error());
}

}  // namespace

TEST_CASE("launchd_plist: the template text is the plist_writer renderer's, output and errors",
          "[launchd][fast]") {
    std::string reused;
    require_same_plist(alice_options(), reused);

    std::vector<std::string> hostile = hermes_test::hostile_arguments();
    hostile.emplace_back("]]>");
    hostile.emplace_back("a]]>b");
    hostile.emplace_back("\xEF\xBF\xBE");
    hostile.emplace_back(std::string(5000, 'x'));  // past the stack buffer
    std::vector<std::string> paths = hermes_test::hostile_paths();
    for (const char* p :
         {"/Users/alice/.hermes", "/Users//alice/./.hermes/", "/", "//", "relative", "", "/a/../b", "/tmp/h",
          "/a]]>b", "/a&b<c", "/caf\xC3\xA9", "/x\xEF\xBF\xBF", "/bad\xFF", "/tab\there"})
        paths.emplace_back(p);

    for (const std::string& a : hostile) {
        g::plist_options o = alice_options();
        o.program_arguments.push_back(a);
        require_same_plist(o, reused);
        o.program_arguments = {a};
        require_same_plist(o, reused);
        o = alice_options();
        o.suffix = a;
        require_same_plist(o, reused);
        o = alice_options();
        o.path_entries = {a, "/usr/bin", a, "", "/opt/bin"};
        require_same_plist(o, reused);
    }
    for (const std::string& p : paths) {
        for (const bool is_dir : {true, false}) {
            g::plist_options o = alice_options();
            o.hermes_home = p;
            o.hermes_home_is_dir = is_dir;
            require_same_plist(o, reused);
            o = alice_options();
            o.hermes_home_is_dir = is_dir;
            o.project_root = p;
            require_same_plist(o, reused);
            o = alice_options();
            o.log_dir = p;
            require_same_plist(o, reused);
            o.log_dir.clear();
            o.hermes_home = p;
            require_same_plist(o, reused);
        }
    }
    for (const std::optional<unsigned> limit :
         {std::optional<unsigned>(), std::optional<unsigned>(0U), std::optional<unsigned>(1U),
          std::optional<unsigned>(4294967295U)}) {
        g::plist_options o = alice_options();
        o.nofile_soft_limit = limit;
        require_same_plist(o, reused);
    }
    {
        g::plist_options o = alice_options();
        o.tmpdir = "/Users/alice";
        require_same_plist(o, reused);
        o.allow_temporary_home = true;
        require_same_plist(o, reused);
        o.program_arguments.clear();
        require_same_plist(o, reused);
        o = alice_options();
        o.path_entries = {"/bin", "/a:b", "/bin", "", "/c:d"};
        require_same_plist(o, reused);
        o.suffix = std::string(300, 'x');
        o.path_entries.clear();
        require_same_plist(o, reused);
    }
    std::mt19937 rng(14);
    for (int i = 0; i < 400; ++i) {
        g::plist_options o = alice_options();
        switch (i % 6) {
            case 0: o.program_arguments.push_back(random_text(rng, 40)); break;
            case 1: o.suffix = random_text(rng, 20); break;
            case 2: o.hermes_home = "/" + random_text(rng, 30); break;
            case 3: o.log_dir = "/" + random_text(rng, 30); break;
            case 4: o.path_entries = {"/" + random_text(rng, 10), random_text(rng, 10)}; break;
            default: o.project_root = "/" + random_text(rng, 30), o.hermes_home_is_dir = false; break;
        }
        require_same_plist(o, reused);
    }
}

TEST_CASE("XML escapers: skipping plain runs matches the byte-at-a-time form", "[launchd][fast]") {
    for (const std::string& s : hermes_test::hostile_arguments()) require_same_escapes(s);
    for (const char* s : {"", "]]>", "]]]>", "] ]>", "a]]>", "\r\n", "&amp;", "'\"", "\x7F", "\xEF\xBF\xBE",
                          "0123456789abcdef]]>0123456789abcdef<", "0123456789abcdef0123456789abcdef"})
        require_same_escapes(s);
    std::mt19937 rng(1414);
    for (int i = 0; i < 3000; ++i) require_same_escapes(random_text(rng, 70));
    // Every single byte, at every offset of a block.
    for (int b = 0; b < 256; ++b)
        for (std::size_t at = 0; at < 40; at += 3) {
            std::string s(40, 'p');
            s[at] = static_cast<char>(b);
            require_same_escapes(s);
        }
}

TEST_CASE("parse_plist: values built in place read back what was written", "[launchd][fast]") {
    const std::string text = *g::launchd_plist(alice_options());
    const auto doc = hs::launchd::parse_plist(text);
    REQUIRE(doc.has_value());
    const auto* args = doc->find("ProgramArguments");
    REQUIRE(args != nullptr);
    REQUIRE(args->as_array() != nullptr);
    const auto o = alice_options();
    REQUIRE(args->as_array()->size() == o.program_arguments.size());
    for (std::size_t i = 0; i < o.program_arguments.size(); ++i)
        REQUIRE(*(*args->as_array())[i].as_string() == o.program_arguments[i]);
    REQUIRE(*doc->find("ThrottleInterval")->as_integer() == 30);
    REQUIRE(*doc->find("RunAtLoad")->as_bool());
    REQUIRE(*doc->find("EnvironmentVariables")->find("HERMES_SUPERVISED_CHILD")->as_string() == "1");
    REQUIRE(*doc->find("SoftResourceLimits")->find("NumberOfFiles")->as_integer() ==
            static_cast<std::int64_t>(*o.nofile_soft_limit));
    REQUIRE(hs::launchd::compare_plists(text, text).empty());

    // Round trips through plist_builder: every kind of value, nested, hostile strings, empty containers.
    for (const std::string& s : hermes_test::xml_carryable_arguments()) {
        using pv = hs::launchd::plist_value;
        pv::dict_type inner{{"s", pv(s)}, {"empty", pv(pv::array_type{})}, {"n", pv(-42)}, {"t", pv(true)}};
        pv::array_type items{pv(s), pv(std::int64_t{9223372036854775807}), pv(false), pv(inner),
                             pv(pv::dict_type{})};
        auto built = hs::launchd::plist_builder{}
                         .label("ai.hermes.test")
                         .program_arguments({"/bin/echo", s})
                         .set("X", pv(items))
                         .build();
        REQUIRE(built.has_value());
        const auto back = hs::launchd::parse_plist(*built);
        REQUIRE(back.has_value());
        REQUIRE(*back->find("X") == pv(items));
        REQUIRE(*(*back->find("ProgramArguments")->as_array())[1].as_string() == s);
        REQUIRE(hs::launchd::compare_plists(*built, *built).empty());
    }
    // Errors inside nested values still come back (the partial values are dropped).
    REQUIRE_FALSE(hs::launchd::parse_plist(
        "<plist><dict><key>a</key><array><integer>x</integer></array></dict></plist>"));
    REQUIRE_FALSE(hs::launchd::parse_plist(
        "<plist><dict><key>a</key><string>1</string><key>a</key><true/></dict></plist>"));
}

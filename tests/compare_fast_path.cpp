// SPDX-License-Identifier: MIT
// compare_units' fast paths (the shared line reader with views into the texts, byte-equal texts, and
// drop_equal_directives) give exactly the diff of the plain semantic comparison of every directive
// (detail::compare_units_plain, over parse_unit's entries), over generated unit pairs.
#include <cstddef>  // std::size_t
#include <hermes/service/refresh.hpp>
#include <hermes/service/systemd/compare.hpp>
#include <hermes/service/systemd/read.hpp>
#include <random>  // std::mt19937_64
#include <string>  // std::string
#include <vector>  // std::vector

#include "support/catch.hpp"
#include "support/corpus.hpp"

namespace hs = hermes::service;
namespace sd = hermes::service::systemd;

namespace {

struct directive {
    std::string section;
    std::string key;
    std::string value;
};

/// Values to draw from: plain, quoted, escaped, specifiers, empty (a reset), hostile bytes.
std::vector<std::string> values() {
    std::vector<std::string> v = {"",
                                  "simple",
                                  "default.target",
                                  "graphical.target",
                                  "network-online.target default.target",
                                  "\"/usr/bin/python\" \"-I\" \"-c\" \"print('x')\"",
                                  "/usr/bin/python -I -c \"print('x')\"",
                                  "-/bin/kill -USR1 $MAINPID",
                                  "-@:/bin/true argv0 ; /bin/false",
                                  R"("PATH=/usr/bin:/mnt/c/Windows" "HOME=/root")",
                                  "PATH=/usr/bin:/bin",
                                  "HOME=/root",
                                  "A=1 B=2",
                                  "100%%",
                                  "%h/bin",
                                  "\"unbalanced",
                                  "trailing\\\\",
                                  "caf\xc3\xa9",
                                  "a  b\tc",
                                  "x=y=z",
                                  "'single quoted'",
                                  "\\x41\\n"};
    for (const std::string& a : hermes_test::hostile_arguments())
        if (a.find_first_of("\r\n") == std::string::npos) v.push_back(a);
    return v;
}

const std::vector<std::string>& value_pool() {
    static const std::vector<std::string> pool = values();
    return pool;
}

const std::vector<std::string>& key_pool() {
    static const std::vector<std::string> keys = {
        "Description",  "After",        "Wants",       "WantedBy",       "ExecStart",
        "ExecStopPost", "ExecReload",   "Environment", "Environment[A]", "Environment[PATH]",
        "Restart",      "RestartSteps", "RestartSec",  "Type",           "WorkingDirectory",
        "User",         "Environment[B"};
    return keys;
}

const std::vector<std::string>& section_pool() {
    static const std::vector<std::string> sections = {"Unit", "Service", "Install", "X-Extra"};
    return sections;
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& from) {
    return from[static_cast<std::size_t>(rng() % from.size())];
}

std::vector<directive> random_directives(std::mt19937_64& rng) {
    std::vector<directive> out;
    const std::size_t n = 1 + static_cast<std::size_t>(rng() % 24);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(directive{pick(rng, section_pool()), pick(rng, key_pool()), pick(rng, value_pool())});
    return out;
}

/// Writes directives as a unit, with layout chosen by `rng`: section headers (repeated or not),
/// CRLF or LF, spacing around '=', comments, blank lines, continuation lines, a BOM.
std::string write(std::mt19937_64& rng, const std::vector<directive>& ds, bool vary) {
    std::string out;
    const char* eol = vary && rng() % 3 == 0 ? "\r\n" : "\n";
    if (vary && rng() % 10 == 0) out.append("\xEF\xBB\xBF");
    std::string current;
    for (const directive& d : ds) {
        if (d.section != current || (vary && rng() % 8 == 0)) {
            out.append("[").append(d.section).append("]").append(eol);
            current = d.section;
        }
        if (vary && rng() % 6 == 0) out.append((rng() % 2) != 0 ? "# comment" : "; comment = x").append(eol);
        if (vary && rng() % 6 == 0) out.append(eol);
        const std::string lead = vary && rng() % 4 == 0 ? "  " : "";
        const std::string around = vary && rng() % 4 == 0 ? " \t" : "";
        std::string value = d.value;
        if (vary && rng() % 6 == 0 && value.size() > 2) {
            const std::size_t at = 1 + static_cast<std::size_t>(rng() % (value.size() - 1));
            // A continuation: the backslash becomes a space, so split only at a space.
            if (value[at] == ' ')
                value.replace(
                    at, 1, std::string("\\") + eol + ((rng() % 2) != 0 ? "# mid\\" + std::string(eol) : ""));
        }
        out.append(lead).append(d.key).append(around).append("=").append(around).append(value);
        if (vary && rng() % 5 == 0) out.append("  ");
        out.append(eol);
    }
    if (vary && rng() % 10 == 0) out.append("stray line").append(eol);
    return out;
}

/// A changed copy: values replaced, directives dropped, duplicated, reordered or reset.
std::vector<directive> mutate(std::mt19937_64& rng, std::vector<directive> ds) {
    const auto changes = static_cast<std::size_t>(rng() % 4);
    for (std::size_t c = 0; c < changes && !ds.empty(); ++c) {
        const auto i = static_cast<std::size_t>(rng() % ds.size());
        switch (rng() % 6) {
            case 0: ds[i].value = pick(rng, value_pool()); break;
            case 1: ds.erase(ds.begin() + static_cast<std::ptrdiff_t>(i)); break;
            case 2: ds.insert(ds.begin() + static_cast<std::ptrdiff_t>(i), ds[i]); break;
            case 3: std::swap(ds[i], ds[static_cast<std::size_t>(rng() % ds.size())]); break;
            case 4:
                ds.insert(ds.begin() + static_cast<std::ptrdiff_t>(i),
                          directive{ds[i].section, ds[i].key, ""});
                break;
            default:
                ds.push_back(
                    directive{pick(rng, section_pool()), pick(rng, key_pool()), pick(rng, value_pool())});
                break;
        }
    }
    return ds;
}

bool same(const std::vector<hs::directive_change>& x, const std::vector<hs::directive_change>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i].section != y[i].section || x[i].key != y[i].key || x[i].old_values != y[i].old_values ||
            x[i].new_values != y[i].new_values)
            return false;
    return true;
}

std::vector<sd::compare_options> option_sets() {
    std::vector<sd::compare_options> sets(4);
    sets[1] = hs::gateway_unit_compare_options();
    sets[2].ignored_keys = {"Environment", "Service.ExecStart", "X-Extra.Type"};
    sets[3].ignored_keys = {"Environment[PATH]"};
    sets[3].value_filter = [](std::string_view section, std::string_view key, std::string_view value) {
        return std::string(section).append("/").append(key).append("/").append(value.substr(0, 3));
    };
    return sets;
}

void check_pair(const std::string& installed, const std::string& generated,
                const std::vector<sd::compare_options>& sets) {
    for (const sd::compare_options& o : sets) {
        const auto fast = sd::compare_units(installed, generated, o);
        const auto plain = sd::detail::compare_units_plain(installed, generated, o);
        INFO("installed:\n" << installed << "\ngenerated:\n" << generated);
        CHECK(same(fast, plain));
    }
}

}  // namespace

TEST_CASE("compare_units: the fast path gives the plain comparison's diff on generated pairs",
          "[compare][fast_paths]") {
    std::mt19937_64 rng(14);
    const auto sets = option_sets();
    for (int round = 0; round < 3000; ++round) {
        const std::vector<directive> base = random_directives(rng);
        const std::vector<directive> other = rng() % 3 == 0 ? base : mutate(rng, base);
        const std::string installed = write(rng, base, true);
        const std::string generated = write(rng, other, rng() % 2 == 0);
        check_pair(installed, generated, sets);
        check_pair(generated, installed, sets);  // NOLINT(readability-suspicious-call-argument): both orders
        check_pair(installed, installed, sets);
    }
}

TEST_CASE("compare_units: the fast path on texts that do not parse and on the gateway unit",
          "[compare][fast_paths]") {
    const auto sets = option_sets();
    const std::string ok = "[Service]\nExecStart=/bin/true\nEnvironment=A=1\n";
    const std::vector<std::string> texts = {
        "",
        ok,
        "[Service\nExecStart=/bin/true\n",
        "[Service]\nExecStart=/bin/\xff\n",
        "\xEF\xBB\xBF\xEF\xBB\xBF[Service]\nExecStart=/bin/true\n",
        "\xEF\xBB\xBF[Service]\nExecStart=/bin/true\\\n  --flag\nEnvironment=A=1\n",
        "[Service]\nExecStart=/bin/true \\\n# c\n ; d\n --flag\\",
        "[Serv\\\nice]\nA=1\n[Serv ice]\nA=2\n",
        "[Service]\nEnvironment[A]=1\nEnvironment=A=1\n",
        "[Service]\nEnvironment=A=1\nEnvironment[A]=1\n",
        "[Service]\nEnvironment=\"A=1\" B=2\nEnvironment=\nEnvironment=A=1\n",
        "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n",
        "[Service]\nExecStart=/bin/b\nExecStart=/bin/a\n",
        "[Service]\nExecStart=\"/bin/a\"\n[Unit]\nAfter=a b\n[Service]\nExecStart=/bin/b\n",
        "x=1\n[Service]\n=1\n.include foo\nnoequals\n",
    };
    for (const std::string& a : texts)
        for (const std::string& b : texts) check_pair(a, b, sets);
}

TEST_CASE("read_directives reads parse_unit's entries", "[compare][fast_paths]") {
    std::mt19937_64 rng(41);
    for (int round = 0; round < 2000; ++round) {
        const std::string text = write(rng, random_directives(rng), true);
        sd::detail::unit_directives views;
        sd::detail::read_directives(text, views);
        std::string_view t = text;
        if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
        const auto parsed = sd::parse_unit(t);
        if (!parsed) {
            CHECK(views.list.empty());
            continue;
        }
        REQUIRE(views.list.size() == parsed->entries().size());
        for (std::size_t i = 0; i < views.list.size(); ++i) {
            CHECK(views.list[i].section == parsed->entries()[i].section);
            CHECK(views.list[i].key == parsed->entries()[i].key);
            CHECK(views.list[i].value == parsed->entries()[i].value);
        }
    }
}

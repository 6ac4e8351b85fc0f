// SPDX-License-Identifier: MIT
// The readers' fast paths (docs/performance.md) give the answers of their plain paths: ASCII runs
// skipped in UTF-8 validation, plist character data copied without decoding, the scans that replace
// sets for the first few sections and dict keys, field names built only on errors.
#include <cstddef>  // std::size_t
#include <hermes/service/launchd/read.hpp>
#include <hermes/service/systemd/read.hpp>
#include <random>  // std::mt19937_64
#include <string>  // std::string
#include <vector>  // std::vector

#include "support/catch.hpp"

namespace hs = hermes::service;

namespace {

/// Random text of short pieces: ASCII, valid multi-byte UTF-8, invalid bytes, non-characters,
/// controls, CR/LF, and the bytes plist character data treats specially (but '<' and '&').
std::string random_text(std::mt19937_64& rng, std::size_t pieces) {
    static const std::vector<std::string> alphabet = {"a",
                                                      "Zz",
                                                      "0123456789abcdef",
                                                      " ",
                                                      "]",
                                                      ">",
                                                      "\t",
                                                      "\n",
                                                      "\r",
                                                      "\r\n",
                                                      "\x7F",
                                                      "\x01",
                                                      "\xC3\xA9",
                                                      "\xE2\x82\xAC",
                                                      "\xF0\x9F\x98\x80",
                                                      "\xEF\xBF\xBE",
                                                      "\xFF",
                                                      "\xC3",
                                                      "\xED\xA0\x80",
                                                      "]]",
                                                      "x=y",
                                                      "\"",
                                                      "'",
                                                      "\\"};
    std::string s;
    for (std::size_t i = 0; i < pieces; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
}

/// systemd's utf8_is_valid one code point at a time: the reference for find_invalid_unit_utf8.
std::size_t invalid_unit_utf8_bytewise(std::string_view s) {
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t at = pos;
        const char32_t cp = hs::detail::decode_utf8(s, pos);
        if (cp == hs::detail::invalid_code_point || !hs::systemd::detail::is_valid_unichar(cp)) return at;
    }
    return std::string_view::npos;
}

hs::result<hs::launchd::plist_value> plist_string(const std::string& content) {
    return hs::launchd::parse_plist("<plist version=\"1.0\"><string>" + content + "</string></plist>");
}

}  // namespace

TEST_CASE("reader fast paths: UTF-8 validation skipping ASCII runs finds the first bad byte",
          "[reader_fast_paths]") {
    std::mt19937_64 rng(20261201);
    for (int round = 0; round < 3000; ++round) {
        const std::string s = random_text(rng, rng() % 40);
        INFO("input of " << s.size() << " bytes, round " << round);
        REQUIRE(hs::systemd::detail::find_invalid_unit_utf8(s) == invalid_unit_utf8_bytewise(s));
    }
}

TEST_CASE("reader fast paths: plist character data read as one copy equals the decoding path",
          "[reader_fast_paths]") {
    // A trailing "&amp;" sends the same characters through the decoding loop.
    std::mt19937_64 rng(14);
    for (int round = 0; round < 3000; ++round) {
        const std::string content = random_text(rng, rng() % 30);
        INFO("content of " << content.size() << " bytes, round " << round);
        const auto plain = plist_string(content);
        const auto decoded = plist_string(content + "&amp;");
        REQUIRE(plain.has_value() == decoded.has_value());
        if (plain) {
            REQUIRE(*decoded->as_string() == *plain->as_string() + "&");
        } else {
            REQUIRE(plain.error() == decoded.error());
        }
    }
    REQUIRE(*plist_string("a\r\nb\rc")->as_string() == "a\nb\nc");
    REQUIRE(*plist_string("x\r\n&amp;")->as_string() == "x\n&");
}

TEST_CASE("reader fast paths: duplicate dict keys past the first sixteen", "[reader_fast_paths]") {
    std::string dict;
    for (int i = 0; i < 20; ++i)
        dict += "<key>k" + std::to_string(i) + "</key><integer>" + std::to_string(i) + "</integer>";
    const auto ok = hs::launchd::parse_plist("<plist><dict>" + dict + "</dict></plist>");
    REQUIRE(ok);
    REQUIRE(ok->as_dict()->size() == 20);
    REQUIRE(*ok->find("k19")->as_integer() == 19);
    for (const int dup : {0, 15, 16, 19}) {
        const std::string text =
            "<plist><dict>" + dict + "<key>k" + std::to_string(dup) + "</key><true/></dict></plist>";
        const auto r = hs::launchd::parse_plist(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == hs::errc::parse_error);
        CHECK(r.error().field == "plist");
        CHECK(r.error().message == "line 1, column " + std::to_string(text.rfind("<key>") + 1) + " (byte " +
                                       std::to_string(text.rfind("<key>") + 1) + "): duplicate dict key \"k" +
                                       std::to_string(dup) + "\"");
    }
    // Nested containers take their own children off the shared stacks.
    const auto nested = hs::launchd::parse_plist(
        "<plist><array><array><string>a</string></array><dict><key>b</key><array/></dict>"
        "<string>c</string></array></plist>");
    REQUIRE(nested);
    const auto& outer = *nested->as_array();
    REQUIRE(outer.size() == 3);
    REQUIRE(*outer[0].as_array()->at(0).as_string() == "a");
    REQUIRE(outer[1].find("b")->as_array()->empty());
    REQUIRE(*outer[2].as_string() == "c");
}

TEST_CASE("reader fast paths: repeated section headers past the first sixteen merge", "[reader_fast_paths]") {
    std::string text;
    for (int i = 0; i < 20; ++i) text += "[S" + std::to_string(i) + "]\nK=" + std::to_string(i) + "\n";
    text += "[S3]\nK=again\n[S18]\nK=later\n";
    const auto unit = hs::systemd::parse_unit(text);
    REQUIRE(unit);
    REQUIRE(unit->sections().size() == 20);
    REQUIRE(unit->sections()[18] == "S18");
    REQUIRE(unit->values("S3", "K") == std::vector<std::string>{"3", "again"});
    REQUIRE(unit->value("S18", "K") == "later");
    REQUIRE(unit->entries().back().section == "S18");
    REQUIRE(unit->entries().back().line == 44);
}

TEST_CASE("reader fast paths: command-line field names built on the error path", "[reader_fast_paths]") {
    std::string line = "/bin/echo";
    for (int i = 1; i < 12; ++i) line += " w" + std::to_string(i);
    const auto bad = hs::systemd::split_command_line(line + " \"open");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == hs::errc::parse_error);
    CHECK(bad.error().field == "command line[12]");
    CHECK(bad.error().message == "has unbalanced quoting");
    const auto specifier = hs::systemd::split_command_line("@" + line + " %n");
    REQUIRE_FALSE(specifier);
    CHECK(specifier.error().code == hs::errc::unrepresentable);
    CHECK(specifier.error().field == "command line[12]");
    CHECK(specifier.error().message ==
          "uses the specifier %n, which only systemd can resolve (write %% for a literal %)");
    const auto unset = hs::systemd::split_command_line(line + " x${HOME}");
    REQUIRE_FALSE(unset);
    CHECK(unset.error().code == hs::errc::unrepresentable);
    CHECK(unset.error().field == "command line[12]");
    // In place (no whole-word $NAME) and through the general path give the same words.
    const std::vector<std::pair<std::string, std::string>> env = {{"A", "1 2"}, {"B", "x"}};
    REQUIRE(*hs::systemd::split_command_line("/bin/e ${A} $$B y${B}", env) ==
            std::vector<std::string>{"/bin/e", "1 2", "$B", "yx"});
    REQUIRE(*hs::systemd::split_command_line("/bin/e ${A} $A y${B}", env) ==
            std::vector<std::string>{"/bin/e", "1 2", "1", "2", "yx"});
}

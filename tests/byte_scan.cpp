// SPDX-License-Identifier: MIT
// The word-at-a-time scan (detail/byte_scan.hpp) against its one-byte-at-a-time reference: every byte
// value at every position of a word, then random strings of every length up to 69,
// through both the vector step (where the compiler has it) and the portable fallback.
#include <cstddef>  // std::size_t
#include <hermes/service/detail/byte_scan.hpp>
#include <random>  // std::mt19937_64
#include <string>  // std::string

#include "support/catch.hpp"

namespace hd = hermes::service::detail;

namespace {

template <hd::byte_class Cls>
void require_word_test_matches_table() {
    for (unsigned b = 0; b < 256; ++b)
        for (std::size_t at = 0; at < 8; ++at)
            for (const char filler : {'a', ' ', '~', '0'}) {
                std::string word(8, filler);
                word[at] = static_cast<char>(b);
                const bool expected = hd::stops(Cls, static_cast<unsigned char>(filler)) ||
                                      hd::stops(Cls, static_cast<unsigned char>(b));
                INFO("byte " << b << " at " << at << " among '" << filler << "'");
                REQUIRE(hd::word_stops(Cls, hd::swar::load(word.data())) == expected);
                REQUIRE(hd::find_stop<Cls>(word, 0) == hd::find_stop_bytewise<Cls>(word, 0));
            }
#if defined(HERMES_SERVICE_VECTOR_SCAN)
    for (unsigned b = 0; b < 256; ++b)
        for (std::size_t at = 0; at < 16; ++at)
            for (const char filler : {'a', ' ', '~', '0'}) {
                std::string block(16, filler);
                block[at] = static_cast<char>(b);
                const bool expected = hd::stops(Cls, static_cast<unsigned char>(filler)) ||
                                      hd::stops(Cls, static_cast<unsigned char>(b));
                INFO("byte " << b << " at " << at << " of a block among '" << filler << "'");
                REQUIRE(hd::block_stops(Cls, block.data()) == expected);
            }
#endif
}

template <hd::byte_class Cls>
void require_random_agreement(std::mt19937_64& rng) {
    // Mostly quiet bytes, so that long runs (the fast path) and single stops both occur.
    const std::string quiet = "abcXYZ019/_-.:=@+ ,;()[]{}";
    for (int round = 0; round < 4000; ++round) {
        const std::size_t length = rng() % 70;
        std::string s;
        for (std::size_t i = 0; i < length; ++i)
            s.push_back(rng() % 6 == 0 ? static_cast<char>(rng() % 256) : quiet[rng() % quiet.size()]);
        for (std::size_t pos = 0; pos <= s.size(); ++pos) {
            INFO("input of " << s.size() << " bytes from " << pos);
            const std::size_t expected = hd::find_stop_bytewise<Cls>(s, pos);
            REQUIRE(hd::find_stop<Cls>(s, pos) == expected);
            REQUIRE(hd::find_stop_portable<Cls>(s, pos) == expected);
        }
    }
}

}  // namespace

TEST_CASE("byte_scan: the word test says exactly what the byte table says", "[byte_scan]") {
    require_word_test_matches_table<hd::byte_class::quoted>();
    require_word_test_matches_table<hd::byte_class::quoted_dollar>();
    require_word_test_matches_table<hd::byte_class::executable>();
    require_word_test_matches_table<hd::byte_class::unquoted>();
    require_word_test_matches_table<hd::byte_class::word>();
    require_word_test_matches_table<hd::byte_class::xml_text>();
    require_word_test_matches_table<hd::byte_class::non_ascii>();
    require_word_test_matches_table<hd::byte_class::xml_markup>();
}

TEST_CASE("byte_scan: find_stop agrees with the bytewise reference on random input", "[byte_scan]") {
    std::mt19937_64 rng(20261201);
    require_random_agreement<hd::byte_class::quoted>(rng);
    require_random_agreement<hd::byte_class::quoted_dollar>(rng);
    require_random_agreement<hd::byte_class::executable>(rng);
    require_random_agreement<hd::byte_class::unquoted>(rng);
    require_random_agreement<hd::byte_class::word>(rng);
    require_random_agreement<hd::byte_class::xml_text>(rng);
    require_random_agreement<hd::byte_class::non_ascii>(rng);
    require_random_agreement<hd::byte_class::xml_markup>(rng);
}

TEST_CASE("byte_scan: the classes are the grammars' rules", "[byte_scan]") {
    using hd::byte_class;
    STATIC_REQUIRE(hd::stops(byte_class::quoted, '%'));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::quoted, '$'));
    STATIC_REQUIRE(hd::stops(byte_class::quoted_dollar, '$'));
    STATIC_REQUIRE(hd::stops(byte_class::executable, '\''));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::executable, '%'));
    STATIC_REQUIRE(hd::stops(byte_class::unquoted, 0x7F));
    STATIC_REQUIRE(hd::stops(byte_class::unquoted, 0x80));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::unquoted, '"'));
    STATIC_REQUIRE(hd::stops(byte_class::word, ' '));
    STATIC_REQUIRE(hd::stops(byte_class::word, '\t'));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::word, '$'));
    STATIC_REQUIRE(hd::stops(byte_class::xml_text, ']'));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::xml_text, '>'));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::non_ascii, '\n'));
    STATIC_REQUIRE_FALSE(hd::stops(byte_class::non_ascii, 0x7F));
    STATIC_REQUIRE(hd::stops(byte_class::non_ascii, 0x80));
    REQUIRE(hd::find_stop<byte_class::quoted>("0123456789abcdef\"", 0) == 16);
    REQUIRE(hd::find_stop<byte_class::quoted>("0123456789abcdef", 3) == 16);
}

// SPDX-License-Identifier: MIT
// Reading launchd property lists: plist_value and parse_plist, for the subset plist_builder writes
// (dict, array, string, integer, true, false).
#pragma once

#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::int64_t, std::uint64_t, INT64_MIN
#include <functional>   // std::less
#include <iterator>     // std::make_move_iterator
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "../detail/byte_scan.hpp"  // find_stop: ASCII and character-data runs
#include "../detail/config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "value.hpp"  // plist_value

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace launchd {

namespace detail {
using namespace hermes::service::detail;

/// A small strict XML reader for plists: prolog, comments, DOCTYPE without internal subset,
/// elements without attributes (but <plist>), character and entity references, CDATA.
class plist_reader {
  public:
    explicit plist_reader(std::string_view text) : text_(text) {}

    result<plist_value> document() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        if (const std::size_t bad = find_invalid_document_utf8(text_); bad != std::string_view::npos)
            return fail_at(bad, "the document is not valid UTF-8");
        if (starts("<?xml")) {
            const std::size_t end = text_.find("?>", pos_);
            if (end == std::string_view::npos) return fail("unterminated XML declaration");
            pos_ = end + 2;
        }
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (starts("<!DOCTYPE")) {
            const std::size_t end = text_.find('>', pos_);
            if (end == std::string_view::npos) return fail("unterminated DOCTYPE");
            if (text_.substr(pos_, end - pos_).find('[') != std::string_view::npos)
                return fail("a DOCTYPE with an internal subset is not supported");
            pos_ = end + 1;
        }
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (!starts("<plist")) return fail("expected <plist>");
        pos_ += 6;
        const std::size_t end = text_.find('>', pos_);
        if (end == std::string_view::npos) return fail("unterminated <plist> tag");
        if (text_[end - 1] == '/') return fail("the plist is empty");
        pos_ = end + 1;
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (auto ok = element(0, {slot::root, 0}); !ok) return unexpected_error(std::move(ok.error()));
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (!starts("</plist>")) return fail("expected </plist> after the root value");
        pos_ += 8;
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (pos_ != text_.size()) return fail("unexpected content after </plist>");
        return std::move(root_);
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    // The children of the arrays and dicts being read, innermost last: each container takes its
    // children off the top when it closes, in one allocation of the exact size.
    plist_value::array_type item_stack_;
    plist_value::dict_type entry_stack_;
    plist_value root_;

    /// Where element() puts the value it read: the root, or a place on one of the stacks (an index,
    /// not a reference: reading the value's children may grow the stack).
    struct slot {
        enum { root, item, entry } where;
        std::size_t index;
    };
    [[nodiscard]] plist_value& value_at(slot s) noexcept {
        if (s.where == slot::item) return item_stack_[s.index];
        if (s.where == slot::entry) return entry_stack_[s.index].second;
        return root_;
    }

    /// Where the children of a container opened now start on `stack`.
    template <class Stack>
    [[nodiscard]] static std::size_t open_children(Stack& stack) {
        if (stack.capacity() == 0) stack.reserve(16);
        return stack.size();
    }
    /// The children from `base` up, moved off `stack` into a container of their own.
    template <class Stack>
    [[nodiscard]] static Stack close_children(Stack& stack, std::size_t base) {
        const auto first = stack.begin() + static_cast<std::ptrdiff_t>(base);
        Stack children(std::make_move_iterator(first), std::make_move_iterator(stack.end()));
        stack.erase(first, stack.end());
        return children;
    }

    /// a == b, compared inline (the names and markup compared here are a few bytes long).
    [[nodiscard]] static constexpr bool same(std::string_view a, std::string_view b) noexcept {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i] != b[i]) return false;
        return true;
    }
    [[nodiscard]] bool starts(std::string_view s) const noexcept {
        return same(text_.substr(pos_, s.size()), s);
    }

    /// find_invalid_utf8, with ASCII runs skipped a block at a time (ASCII bytes always decode).
    [[nodiscard]] static std::size_t find_invalid_document_utf8(std::string_view s) noexcept {
        for (std::size_t pos = find_stop<byte_class::non_ascii>(s, 0); pos < s.size();
             pos = find_stop<byte_class::non_ascii>(s, pos)) {
            const std::size_t at = pos;
            if (decode_utf8(s, pos) == invalid_code_point) return at;
        }
        return std::string_view::npos;
    }

    [[nodiscard]] unexpected_error fail_at(std::size_t at, std::string_view what) const {
        std::size_t line = 1;
        std::size_t column = 1;
        for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
                ++column;
            }
        }
        return make_error(errc::parse_error, "plist",
                          "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
                              std::to_string(at + 1) + "): " + std::string(what));
    }
    [[nodiscard]] unexpected_error fail(std::string_view what) const { return fail_at(pos_, what); }

    /// Whitespace and comments.
    status misc() {
        for (;;) {
            while (pos_ < text_.size() &&
                   (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
                ++pos_;
            if (!starts("<!--")) return {};
            const std::size_t end = text_.find("-->", pos_ + 4);
            if (end == std::string_view::npos) return fail("unterminated comment");
            pos_ = end + 3;
        }
    }

    /// Reads `<name>` or `<name/>`; returns the name and whether it was self-closing.
    result<std::pair<std::string_view, bool>> open_tag() {
        if (pos_ >= text_.size() || text_[pos_] != '<') return fail("expected an element");
        std::size_t end = pos_ + 1;
        while (end < text_.size() && is_ascii_alpha(text_[end])) ++end;
        const std::string_view name = text_.substr(pos_ + 1, end - pos_ - 1);
        while (end < text_.size() &&
               (text_[end] == ' ' || text_[end] == '\t' || text_[end] == '\n' || text_[end] == '\r'))
            ++end;
        bool empty = false;
        if (end < text_.size() && text_[end] == '/') {
            empty = true;
            ++end;
        }
        if (end >= text_.size() || text_[end] != '>' || name.empty()) return fail("malformed tag");
        pos_ = end + 1;
        return std::pair{name, empty};
    }

    status close_tag(std::string_view name) {
        const std::size_t after = pos_ + 2 + name.size();
        if (!starts("</") || !same(text_.substr(pos_ + 2, name.size()), name) || after >= text_.size() ||
            text_[after] != '>')
            return fail("expected </" + std::string(name) + ">");
        pos_ = after + 1;
        return {};
    }

    /// Character data up to the next '<' that does not open CDATA, with references decoded.
    result<std::string> text(std::string_view element_name) {
        (void)element_name;
        std::size_t stop = find_stop<byte_class::xml_text>(text_, pos_);
        if (stop == text_.size() || (text_[stop] == '<' && text_.substr(stop, 9) != "<![CDATA[")) {
            // Plain characters up to the markup: nothing to decode, one copy.
            std::string out(text_.substr(pos_, stop - pos_));
            pos_ = stop;
            return out;
        }
        std::string out;
        const std::size_t markup = text_.find('<', pos_);  // decoding only shrinks what comes before it
        out.reserve((markup == std::string_view::npos ? text_.size() : markup) - pos_);
        while (pos_ < text_.size()) {
            stop = find_stop<byte_class::xml_text>(text_, pos_);
            out.append(text_.substr(pos_, stop - pos_));  // bytes that need no decoding
            pos_ = stop;
            if (pos_ == text_.size()) break;
            const char c = text_[pos_];
            if (c == '<') {
                if (!starts("<![CDATA[")) break;
                const std::size_t end = text_.find("]]>", pos_ + 9);
                if (end == std::string_view::npos) return fail("unterminated CDATA section");
                if (auto ok = append_chars(out, text_.substr(pos_ + 9, end - pos_ - 9)); !ok)
                    return unexpected_error(std::move(ok.error()));
                pos_ = end + 3;
                continue;
            }
            if (c == '&') {
                const std::size_t end = text_.find(';', pos_);
                if (end == std::string_view::npos || end - pos_ > 12) return fail("malformed reference");
                const std::string_view ref = text_.substr(pos_ + 1, end - pos_ - 1);
                if (ref == "amp")
                    out.push_back('&');
                else if (ref == "lt")
                    out.push_back('<');
                else if (ref == "gt")
                    out.push_back('>');
                else if (ref == "quot")
                    out.push_back('"');
                else if (ref == "apos")
                    out.push_back('\'');
                else if (ref.size() > 1 && ref[0] == '#') {
                    char32_t cp = 0;
                    const bool hex = ref[1] == 'x';
                    const std::string_view digits = ref.substr(hex ? 2 : 1);
                    if (digits.empty()) return fail("malformed character reference");
                    for (const char d : digits) {
                        const int v = hex ? hex_value(d) : (is_ascii_digit(d) ? d - '0' : -1);
                        if (v < 0 || cp > 0x10FFFF) return fail("malformed character reference");
                        cp = cp * (hex ? 16U : 10U) + static_cast<char32_t>(v);
                    }
                    if (!is_xml_char(cp))
                        return fail("character reference to a character XML 1.0 cannot carry");
                    append_utf8(out, cp);
                } else {
                    return fail("undefined entity &" + printable(ref) + ";");
                }
                pos_ = end + 1;
                continue;
            }
            if (c == ']' && starts("]]>")) return fail("']]>' is not allowed in text");
            // One character the run stopped at (']', a control, DEL or non-ASCII), with the LF of a CRLF.
            stop = pos_;
            (void)decode_utf8(text_, stop);
            if (c == '\r' && stop < text_.size() && text_[stop] == '\n') ++stop;
            if (auto ok = append_chars(out, text_.substr(pos_, stop - pos_)); !ok)
                return unexpected_error(std::move(ok.error()));
            pos_ = stop;
        }
        return out;
    }

    [[nodiscard]] static constexpr bool is_xml_char(char32_t cp) noexcept {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
               (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    /// Raw characters: XML end-of-line handling (CRLF and CR become LF) and the Char production.
    status append_chars(std::string& out, std::string_view raw) {
        for (std::size_t i = 0; i < raw.size();) {
            const std::size_t at = i;
            const char32_t cp = decode_utf8(raw, i);
            if (!is_xml_char(cp))
                return fail_at(static_cast<std::size_t>(raw.data() - text_.data()) + at,
                               "a character XML 1.0 cannot carry");
            if (cp == '\r') {
                out.push_back('\n');
                if (i < raw.size() && raw[i] == '\n') ++i;
                continue;
            }
            out.append(raw.substr(at, i - at));
        }
        return {};
    }

    /// Reads one value into `into`, built there in place.
    status element(int depth, slot into) {
        if (depth > 64) return fail("nesting deeper than 64 levels");
        const std::size_t start = pos_;
        auto tag = open_tag();
        if (!tag) return unexpected_error(std::move(tag.error()));
        const auto [name, empty] = *tag;
        if (same(name, "true") || same(name, "false")) {
            if (!empty)
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            value_at(into) = plist_value(same(name, "true"));
            return {};
        }
        if (same(name, "string")) {
            if (empty) return {};  // the slot holds an empty string already
            auto s = text(name);
            if (!s) return unexpected_error(std::move(s.error()));
            if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            value_at(into) = plist_value(std::move(*s));
            return {};
        }
        if (same(name, "integer")) {
            if (empty) return fail_at(start, "an empty <integer/>");
            auto s = text(name);
            if (!s) return unexpected_error(std::move(s.error()));
            if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            auto v = integer(*s, start);
            if (!v) return unexpected_error(std::move(v.error()));
            value_at(into) = plist_value(*v);
            return {};
        }
        if (same(name, "array")) {
            const std::size_t base = open_children(item_stack_);
            if (!empty) {
                for (;;) {
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) break;
                    item_stack_.emplace_back();
                    if (auto ok = element(depth + 1, {slot::item, item_stack_.size() - 1}); !ok) return ok;
                }
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            }
            value_at(into) = plist_value(close_children(item_stack_, base));
            return {};
        }
        if (same(name, "dict")) {
            const std::size_t base = open_children(entry_stack_);
            // Duplicate keys: a scan of the few entries; past `few`, a set (O(log n), not a scan).
            constexpr std::size_t few = 16;
            std::set<std::string, std::less<>> keys;
            if (!empty) {
                for (;;) {
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) break;
                    const std::size_t key_at = pos_;
                    auto key_tag = open_tag();
                    if (!key_tag) return unexpected_error(std::move(key_tag.error()));
                    if (!same(key_tag->first, "key")) return fail_at(key_at, "expected <key> in a dict");
                    std::string key;
                    if (!key_tag->second) {
                        auto k = text("key");
                        if (!k) return unexpected_error(std::move(k.error()));
                        key = std::move(*k);
                        if (auto ok = close_tag("key"); !ok) return unexpected_error(std::move(ok.error()));
                    }
                    bool duplicate = false;
                    if (entry_stack_.size() - base < few) {
                        for (std::size_t i = base; i < entry_stack_.size(); ++i)
                            duplicate = duplicate || entry_stack_[i].first == key;
                    } else {
                        if (keys.empty())
                            for (std::size_t i = base; i < entry_stack_.size(); ++i)
                                keys.insert(entry_stack_[i].first);
                        duplicate = !keys.insert(key).second;
                    }
                    if (duplicate) return fail_at(key_at, "duplicate dict key \"" + key + "\"");
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) return fail_at(key_at, "missing value for key \"" + key + "\"");
                    entry_stack_.emplace_back(std::move(key), plist_value());
                    if (auto ok = element(depth + 1, {slot::entry, entry_stack_.size() - 1}); !ok) return ok;
                }
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            }
            value_at(into) = plist_value(close_children(entry_stack_, base));
            return {};
        }
        if (same(name, "real") || same(name, "data") || same(name, "date"))
            return make_error(errc::unrepresentable, "plist",
                              "<" + std::string(name) +
                                  "> is outside the subset this reader supports "
                                  "(dict, array, string, integer, true, false)");
        return fail_at(start, "unknown element <" + printable(name) + ">");
    }

    /// plistlib's reading of <integer>: "0x"/"0X" and hex digits, else base 10 with an optional '-'
    /// (leading zeros allowed); the value must fit std::int64_t.
    [[nodiscard]] result<std::int64_t> integer(std::string_view s, std::size_t at) const {
        if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            if (s.size() == 2) return fail_at(at, "\"" + printable(s) + "\" has no hex digits");
            std::uint64_t v = 0;
            for (std::size_t i = 2; i < s.size(); ++i) {
                const int h = hex_value(s[i]);
                if (h < 0) return fail_at(at, "\"" + printable(s) + "\" is not a hexadecimal integer");
                if (v > (9223372036854775807ULL >> 4)) return fail_at(at, "integer out of range");
                v = (v << 4) | static_cast<std::uint64_t>(h);
            }
            return static_cast<std::int64_t>(v);
        }
        std::size_t i = 0;
        const bool negative = !s.empty() && s[0] == '-';
        if (negative) ++i;
        if (i == s.size()) return fail_at(at, "an integer needs digits");
        std::uint64_t magnitude = 0;
        for (; i < s.size(); ++i) {
            if (!is_ascii_digit(s[i]))
                return fail_at(at, "\"" + printable(s) + "\" is not a base-10 integer");
            const auto digit = static_cast<std::uint64_t>(s[i] - '0');
            if (magnitude > (9223372036854775808ULL - digit) / 10) return fail_at(at, "integer out of range");
            magnitude = magnitude * 10 + digit;
        }
        if (!negative && magnitude > 9223372036854775807ULL) return fail_at(at, "integer out of range");
        const std::int64_t v =
            negative
                ? (magnitude == 9223372036854775808ULL ? INT64_MIN : -static_cast<std::int64_t>(magnitude))
                : static_cast<std::int64_t>(magnitude);
        return v;
    }
};

}  // namespace detail

/// Parses an XML plist of the subset plist_builder writes; strict like expat (well-formedness,
/// XML 1.0 characters) plus duplicate-key and integer-syntax checks; integers as plistlib reads them
/// (decimal, or hexadecimal after "0x").
[[nodiscard]] inline result<plist_value> parse_plist(std::string_view text) {
    return detail::plist_reader(text).document();
}

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service

// SPDX-License-Identifier: MIT
// Reads a Task Scheduler task definition (UTF-8 text, or UTF-16LE bytes after a BOM) back into the
// settings task_builder writes. Elements it does not know are skipped.
#pragma once

#include <chrono>       // std::chrono::seconds
#include <cstddef>      // std::size_t
#include <memory>       // std::unique_ptr
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"  // is_ascii_alpha, is_ascii_digit
#include "../detail/utf8.hpp"    // find_invalid_utf8, append_utf8, decode_utf8
#include "../enums.hpp"          // from_string
#include "../error.hpp"          // result, make_error
#include "task.hpp"              // task, run_level, instances_policy, task_namespace

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace windows {
namespace detail {

/// One element of a small XML tree: name, attributes, character data, children.
struct xml_node {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;
    std::vector<std::unique_ptr<xml_node>> children;

    [[nodiscard]] const xml_node* child(std::string_view n) const {
        for (const auto& c : children)
            if (c->name == n) return c.get();
        return nullptr;
    }
};

/// A strict reader for the XML 1.0 that task definitions use: prolog, comments, elements with
/// attributes, character and entity references, CDATA; no DOCTYPE.
class xml_reader {
  public:
    explicit xml_reader(std::string_view text) : text_(text) {}

    result<std::unique_ptr<xml_node>> document() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        if (const std::size_t bad = find_invalid_utf8(text_); bad != std::string_view::npos)
            return fail_at(bad, "the document is not valid UTF-8");
        if (starts("<?xml")) {
            const std::size_t end = text_.find("?>", pos_);
            if (end == std::string_view::npos) return fail("unterminated XML declaration");
            pos_ = end + 2;
        }
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        auto root = element(0);
        if (!root) return root;
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (pos_ != text_.size()) return fail("unexpected content after the root element");
        return root;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;

    [[nodiscard]] bool starts(std::string_view s) const noexcept { return text_.substr(pos_, s.size()) == s; }
    [[nodiscard]] static constexpr bool is_space(char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
    [[nodiscard]] static constexpr bool is_name_char(char c) noexcept {
        return is_ascii_alnum(c) || c == '_' || c == '-' || c == '.' || c == ':' ||
               static_cast<unsigned char>(c) >= 0x80;
    }

    [[nodiscard]] static constexpr bool is_xml_char(char32_t cp) noexcept {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
               (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    [[nodiscard]] unexpected_error fail_at(std::size_t at, std::string_view what) const {
        std::size_t line = 1;
        for (std::size_t i = 0; i < at && i < text_.size(); ++i)
            if (text_[i] == '\n') ++line;
        return make_error(
            errc::parse_error, "task",
            "line " + std::to_string(line) + " (byte " + std::to_string(at + 1) + "): " + std::string(what));
    }
    [[nodiscard]] unexpected_error fail(std::string_view what) const { return fail_at(pos_, what); }

    status misc() {
        for (;;) {
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            if (!starts("<!--")) return {};
            const std::size_t end = text_.find("-->", pos_ + 4);
            if (end == std::string_view::npos) return fail("unterminated comment");
            pos_ = end + 3;
        }
    }

    std::string_view name() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
        return text_.substr(start, pos_ - start);
    }

    /// Character data with references decoded, up to `stop` (`<` in content, the quote in attributes).
    status chars(std::string& out, char stop) {
        while (pos_ < text_.size() && text_[pos_] != stop) {
            const char c = text_[pos_];
            if (c == '<') return fail("'<' inside an attribute value");
            if (c != '&') {
                if (c == '\r') return fail("a raw carriage return (XML turns it into a newline)");
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                    return fail("a control character XML 1.0 cannot carry");
                out.push_back(c);
                ++pos_;
                continue;
            }
            const std::size_t end = text_.find(';', pos_);
            if (end == std::string_view::npos || end - pos_ > 12) return fail("malformed reference");
            const std::string_view ref = text_.substr(pos_ + 1, end - pos_ - 1);
            if (ref == "amp") {
                out.push_back('&');
            } else if (ref == "lt") {
                out.push_back('<');
            } else if (ref == "gt") {
                out.push_back('>');
            } else if (ref == "quot") {
                out.push_back('"');
            } else if (ref == "apos") {
                out.push_back('\'');
            } else if (ref.size() > 1 && ref[0] == '#') {
                const bool hex = ref[1] == 'x';
                const std::string_view digits = ref.substr(hex ? 2 : 1);
                char32_t cp = 0;
                if (digits.empty()) return fail("malformed character reference");
                for (const char d : digits) {
                    const int v = hex ? hex_value(d) : (is_ascii_digit(d) ? d - '0' : -1);
                    if (v < 0 || cp > 0x10FFFF) return fail("malformed character reference");
                    cp = cp * (hex ? 16U : 10U) + static_cast<char32_t>(v);
                }
                if (!is_xml_char(cp)) return fail("a character reference to a character XML cannot carry");
                append_utf8(out, cp);
            } else {
                return fail("unknown entity reference");
            }
            pos_ = end + 1;
        }
        return {};
    }

    result<std::unique_ptr<xml_node>> element(int depth) {
        if (depth > 16) return fail("elements nested deeper than 16");
        if (!starts("<")) return fail("expected an element");
        ++pos_;
        auto node = std::make_unique<xml_node>();
        node->name = std::string(name());
        if (node->name.empty()) return fail("expected an element name");
        for (;;) {
            const std::size_t before = pos_;
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            if (starts("/>")) {
                pos_ += 2;
                return node;
            }
            if (starts(">")) {
                ++pos_;
                break;
            }
            if (pos_ == before) return fail("expected whitespace, '>' or '/>' in a tag");
            std::string attribute(name());
            if (attribute.empty() || !starts("=")) return fail("malformed attribute");
            ++pos_;
            if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\''))
                return fail("an attribute value must be quoted");
            const char quote = text_[pos_++];
            std::string value;
            if (auto ok = chars(value, quote); !ok) return unexpected_error(std::move(ok.error()));
            if (pos_ >= text_.size()) return fail("unterminated attribute value");
            ++pos_;
            for (const auto& a : node->attributes)
                if (a.first == attribute) return fail("an attribute given twice");
            node->attributes.emplace_back(std::move(attribute), std::move(value));
        }
        bool has_text = false;
        for (;;) {
            if (pos_ >= text_.size()) return fail("unterminated element <" + node->name + ">");
            if (starts("</")) {
                pos_ += 2;
                if (name() != node->name || !starts(">")) return fail("expected </" + node->name + ">");
                ++pos_;
                break;
            }
            if (starts("<!--")) {
                if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                continue;
            }
            if (starts("<![CDATA[")) {
                const std::size_t end = text_.find("]]>", pos_ + 9);
                if (end == std::string_view::npos) return fail("unterminated CDATA section");
                node->text.append(text_.substr(pos_ + 9, end - pos_ - 9));
                has_text = true;
                pos_ = end + 3;
                continue;
            }
            if (starts("<")) {
                auto child = element(depth + 1);
                if (!child) return child;
                node->children.push_back(std::move(*child));
                continue;
            }
            std::string piece;
            if (auto ok = chars(piece, '<'); !ok) return unexpected_error(std::move(ok.error()));
            for (const char c : piece) has_text = has_text || !is_space(c);
            node->text.append(piece);
        }
        if (has_text && !node->children.empty())
            return fail_at(pos_, "element <" + node->name + "> mixes text and elements");
        if (!node->children.empty()) node->text.clear();
        return node;
    }
};

[[nodiscard]] inline unexpected_error task_error(std::string_view what) {
    return make_error(errc::parse_error, "task", std::string(what));
}

/// Parses `PnDTnHnMnS` (days, hours, minutes, seconds; each part optional) into seconds.
[[nodiscard]] inline std::optional<std::chrono::seconds> parse_task_duration(std::string_view s) {
    if (s.size() < 3 || s.front() != 'P') return std::nullopt;
    long long total = 0;
    bool time = false;
    bool any = false;
    std::string_view units = "D";
    for (std::size_t i = 1; i < s.size();) {
        if (s[i] == 'T') {
            if (time || i + 1 == s.size()) return std::nullopt;
            time = true;
            units = "HMS";
            ++i;
            continue;
        }
        long long n = 0;
        const std::size_t start = i;
        while (i < s.size() && is_ascii_digit(s[i]) && i - start < 12) n = n * 10 + (s[i++] - '0');
        if (i == start || i == s.size()) return std::nullopt;
        const std::size_t unit = units.find(s[i]);
        if (unit == std::string_view::npos) return std::nullopt;
        const char u = units[unit];
        total += n * (u == 'D' ? 86400 : u == 'H' ? 3600 : u == 'M' ? 60 : 1);
        units = units.substr(unit + 1);
        any = true;
        ++i;
    }
    if (!any) return std::nullopt;
    return std::chrono::seconds(total);
}

/// UTF-16LE bytes (after their BOM) as UTF-8; nullopt for an odd length or a lone surrogate.
[[nodiscard]] inline std::optional<std::string> utf16le_to_utf8(std::string_view bytes) {
    if (bytes.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(bytes.size() / 2);
    const auto unit = [&](std::size_t i) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) |
               static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    };
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        const unsigned u = unit(i);
        if (u >= 0xDC00 && u <= 0xDFFF) return std::nullopt;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= bytes.size()) return std::nullopt;
            const unsigned low = unit(i + 2);
            if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
            append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
            i += 2;
            continue;
        }
        append_utf8(out, u);
    }
    return out;
}

}  // namespace detail

/// Reads a task definition (UTF-8 text as task_builder::build() returns it, or the UTF-16LE bytes with
/// BOM that to_utf16le_with_bom() gives) back into its settings; parse_error for what it cannot read.
[[nodiscard]] inline result<task> read_task(std::string_view text) {
    std::string decoded;
    if (text.substr(0, 2) == "\xFF\xFE") {
        auto utf8 = detail::utf16le_to_utf8(text.substr(2));
        if (!utf8) return detail::task_error("the UTF-16LE text is malformed");
        decoded = std::move(*utf8);
        text = decoded;
    }
    auto doc = detail::xml_reader(text).document();
    if (!doc) return unexpected_error(std::move(doc.error()));
    const detail::xml_node& root = **doc;
    if (root.name != "Task") return detail::task_error("the root element is <" + root.name + ">, not <Task>");
    bool namespaced = false;
    for (const auto& a : root.attributes)
        namespaced = namespaced || (a.first == "xmlns" && a.second == task_namespace);
    if (!namespaced) return detail::task_error("<Task> is not in the Task Scheduler namespace");

    task out;
    const auto leaf = [](const detail::xml_node* parent, std::string_view name) -> const std::string* {
        const detail::xml_node* n = parent != nullptr ? parent->child(name) : nullptr;
        return n != nullptr ? &n->text : nullptr;
    };
    const auto duration = [](const std::string& s, std::string_view what) -> result<std::chrono::seconds> {
        if (auto d = detail::parse_task_duration(s)) return *d;
        return detail::task_error(std::string(what) + " \"" + s + "\" is not a duration PnDTnHnMnS");
    };
    const auto number = [](const std::string& s, unsigned max, std::string_view what) -> result<unsigned> {
        unsigned v = 0;
        if (s.empty() || s.size() > 6) return detail::task_error(std::string(what) + " is not a number");
        for (const char c : s) {
            if (!hermes::service::detail::is_ascii_digit(c))
                return detail::task_error(std::string(what) + " is not a number");
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v > max) return detail::task_error(std::string(what) + " is out of range");
        return v;
    };

    const detail::xml_node* info = root.child("RegistrationInfo");
    if (const std::string* s = leaf(info, "Description")) out.description = *s;
    if (const std::string* s = leaf(info, "Author")) out.author = *s;
    if (const detail::xml_node* triggers = root.child("Triggers")) {
        if (const detail::xml_node* logon = triggers->child("LogonTrigger")) {
            out.logon_delay = std::chrono::seconds(0);
            if (const std::string* s = leaf(logon, "Delay")) {
                auto d = duration(*s, "Delay");
                if (!d) return unexpected_error(std::move(d.error()));
                out.logon_delay = *d;
            }
        }
    }
    const detail::xml_node* principals = root.child("Principals");
    const detail::xml_node* principal = principals != nullptr ? principals->child("Principal") : nullptr;
    if (const std::string* s = leaf(principal, "UserId")) out.user_id = *s;
    if (const std::string* s = leaf(principal, "RunLevel")) {
        const auto level = from_string<run_level>(*s);
        if (!level) return detail::task_error("unknown RunLevel \"" + *s + "\"");
        out.run_level = *level;
    }
    const detail::xml_node* settings = root.child("Settings");
    if (const std::string* s = leaf(settings, "MultipleInstancesPolicy")) {
        const auto policy = from_string<instances_policy>(*s);
        if (!policy) return detail::task_error("unknown MultipleInstancesPolicy \"" + *s + "\"");
        out.multiple_instances_policy = *policy;
    }
    if (const std::string* s = leaf(settings, "ExecutionTimeLimit")) {
        auto d = duration(*s, "ExecutionTimeLimit");
        if (!d) return unexpected_error(std::move(d.error()));
        out.execution_time_limit = *d;
    }
    if (const std::string* s = leaf(settings, "Priority")) {
        auto p = number(*s, 10, "Priority");
        if (!p) return unexpected_error(std::move(p.error()));
        out.priority = *p;
    }
    if (const detail::xml_node* restart =
            settings != nullptr ? settings->child("RestartOnFailure") : nullptr) {
        const std::string* interval = leaf(restart, "Interval");
        const std::string* count = leaf(restart, "Count");
        if (interval == nullptr || count == nullptr)
            return detail::task_error("RestartOnFailure needs both Interval and Count");
        auto d = duration(*interval, "Interval");
        if (!d) return unexpected_error(std::move(d.error()));
        auto c = number(*count, 255, "Count");
        if (!c) return unexpected_error(std::move(c.error()));
        out.restart_on_failure = restart_policy{*d, *c};
    }
    const detail::xml_node* actions = root.child("Actions");
    const detail::xml_node* exec = actions != nullptr ? actions->child("Exec") : nullptr;
    const std::string* command = leaf(exec, "Command");
    if (command == nullptr) return detail::task_error("no Actions/Exec/Command");
    out.action.command = *command;
    if (const std::string* s = leaf(exec, "Arguments")) out.action.arguments = *s;
    if (const std::string* s = leaf(exec, "WorkingDirectory")) out.action.working_directory = *s;
    return out;
}

}  // namespace windows
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service

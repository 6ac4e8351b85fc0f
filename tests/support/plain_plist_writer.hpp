// SPDX-License-Identifier: MIT
// The plist writer gateway::launchd_plist was written with before its template text (commit 80335ad):
// strings in call order, each through one of the two XML grammars of detail/escape.hpp. Kept here, out
// of the library, as the reference tests/plist_fast_paths.cpp compares the template text against.
#pragma once

#include <cstddef>                           // std::size_t
#include <hermes/service/detail/escape.hpp>  // put_xml_text, put_xml_chardata, field_ref, status
#include <string>                            // std::string, std::to_string
#include <string_view>                       // std::string_view

namespace hermes_test::plain {

/// How a plist string is escaped.
enum class xml_escape : unsigned char {
    all,      ///< `& < > " '` as references (Python's html.escape)
    minimal,  ///< only what well-formedness needs (`&`, `<`, `>` after `]]`, CR)
};

/// Appends plist XML to a string. Layout lines (blank lines, comments) are the caller's constants.
class plist_writer {
  public:
    explicit plist_writer(std::string& out) noexcept : out_(&out), sink_{&out} {}

    /// The XML declaration, Apple's DOCTYPE, `<plist version="1.0">` and the top `<dict>`.
    void begin() {
        out_->append(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            "<plist version=\"1.0\">\n<dict>\n");
    }
    /// Closes the top `<dict>` and the plist.
    void end() { out_->append("</dict>\n</plist>\n"); }

    /// A line written as is: empty, indentation only, or an XML comment (a constant of the caller).
    void layout(std::string_view line) {
        out_->append(line);
        out_->push_back('\n');
    }
    /// `<key>name</key>` for a constant key name (plain ASCII).
    void key(std::string_view indent, std::string_view name) { tagged(indent, "key", name); }
    /// `<string>value</string>`, escaped as `how` says.
    [[nodiscard]] hermes::service::detail::status string(std::string_view indent, std::string_view value,
                                                         const hermes::service::detail::field_ref& field,
                                                         xml_escape how) {
        out_->append(indent).append("<string>");
        auto ok = how == xml_escape::all ? hermes::service::detail::put_xml_text(sink_, value, field)
                                         : hermes::service::detail::put_xml_chardata(sink_, value, field);
        if (!ok) return ok;
        out_->append("</string>\n");
        return {};
    }
    /// `<integer>value</integer>`.
    void integer(std::string_view indent, unsigned value) {
        tagged(indent, "integer", std::to_string(value));
    }
    /// `<true/>` or `<false/>`.
    void boolean(std::string_view indent, bool value) {
        out_->append(indent).append(value ? "<true/>\n" : "<false/>\n");
    }
    /// `<tag>` on a line of its own (array, dict).
    void open(std::string_view indent, std::string_view tag) {
        out_->append(indent).append("<").append(tag).append(">\n");
    }
    /// `</tag>` on a line of its own.
    void close(std::string_view indent, std::string_view tag) {
        out_->append(indent).append("</").append(tag).append(">\n");
    }

  private:
    void tagged(std::string_view indent, std::string_view tag, std::string_view text) {
        out_->append(indent).append("<").append(tag).append(">").append(text);
        out_->append("</").append(tag).append(">\n");
    }

    std::string* out_;
    hermes::service::detail::string_sink sink_;
};

}  // namespace hermes_test::plain

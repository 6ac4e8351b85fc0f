// SPDX-License-Identifier: MIT
// launchd property lists: a typed writer (plist_builder) and its reader (parse_plist) for the
// subset it writes (dict, array, string, integer, true, false).
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t, INT64_MIN
#include <optional>     // std::optional
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <variant>      // std::variant
#include <vector>       // std::vector

#include "detail/escape.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"

namespace hermes::service {
inline namespace v1 {
namespace launchd {

/// Where the job is loaded: a per-user LaunchAgent or a system LaunchDaemon.
enum class job_kind { agent, daemon };
/// ProcessType= values.
enum class process_type { background, standard, adaptive, interactive };

/// The plist spelling, e.g. "Background".
[[nodiscard]] constexpr std::string_view to_string(process_type t) noexcept {
    constexpr std::string_view names[] = {"Background", "Standard", "Adaptive", "Interactive"};
    return names[static_cast<std::size_t>(t)];
}

namespace detail {
using namespace hermes::service::detail;

/// launchd labels: conservative reverse-DNS `[A-Za-z][A-Za-z0-9._-]*`, at most 249 bytes (the
/// file is `<Label>.plist`), not in Apple's reserved `com.apple.` space.
[[nodiscard]] inline status check_label(std::string_view label) {
    if (label.empty()) return make_error(errc::empty_value, "Label", "the label is empty");
    if (label.size() > 249)
        return make_error(errc::out_of_range, "Label",
                          "is " + std::to_string(label.size()) +
                              " bytes; at most 249 so that <Label>.plist fits in a file name");
    for (std::size_t i = 0; i < label.size(); ++i) {
        const char c = label[i];
        if (is_ascii_alpha(c) || (i > 0 && (is_ascii_digit(c) || c == '.' || c == '_' || c == '-'))) continue;
        return name_error("Label", label, i,
                          "labels are reverse-DNS names: ASCII letters, digits, '.', '_' and '-', "
                          "starting with a letter");
    }
    std::string lower(label.substr(0, 10));
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (lower == "com.apple.")
        return make_error(errc::invalid_name, "Label", "\"com.apple.\" labels are reserved for Apple");
    return {};
}

/// An absolute path as a plist string: UTF-8, no control characters.
[[nodiscard]] inline status check_plist_path(std::string_view path, const field_ref& field) {
    if (path.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (path.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "must be an absolute path, got \"" + printable(path) + "\"");
    for (std::size_t pos = 0; pos < path.size();) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(path, pos);
        if (cp == invalid_code_point) return utf8_error(field, path, at);
        if (is_control(cp)) return char_error(errc::control_character, field, path, at, cp, "");
    }
    return {};
}

inline std::string indexed(std::string_view key, std::size_t i) {
    return std::string(key) + "[" + std::to_string(i) + "]";
}

}  // namespace detail

/// A typed, validating writer for one launchd job. Keys are written in a fixed order (Label,
/// ProgramArguments, WorkingDirectory, EnvironmentVariables, LimitLoadToSessionType, RunAtLoad,
/// KeepAlive, ThrottleInterval, ExitTimeOut, SoftResourceLimits, StandardOutPath,
/// StandardErrorPath, ProcessType, UserName, GroupName).
class plist_builder {
  public:
    /// An agent by default; UserName/GroupName need job_kind::daemon.
    explicit plist_builder(job_kind kind = job_kind::agent) : kind_(kind) {}

    /// Label (required): reverse-DNS, also the file name `<Label>.plist`.
    plist_builder& label(std::string value) {
        label_ = std::move(value);
        return *this;
    }
    /// ProgramArguments (required): argv, argv[0] absolute; passed as is (no shell, no expansion).
    plist_builder& program_arguments(std::vector<std::string> argv) {
        arguments_ = std::move(argv);
        return *this;
    }
    /// WorkingDirectory (absolute).
    plist_builder& working_directory(std::string path) {
        working_directory_ = std::move(path);
        return *this;
    }
    /// One EnvironmentVariables entry; a name given twice is an error at build().
    plist_builder& environment(std::string name, std::string value) {
        environment_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// RunAtLoad.
    plist_builder& run_at_load(bool value = true) {
        run_at_load_ = value;
        return *this;
    }
    /// KeepAlive as a boolean (true: restart whenever it exits).
    plist_builder& keep_alive(bool value) {
        keep_alive_ = value;
        return *this;
    }
    /// ThrottleInterval in seconds (minimum time between spawns).
    plist_builder& throttle_interval(unsigned seconds) {
        throttle_interval_ = seconds;
        return *this;
    }
    /// ExitTimeOut in seconds between SIGTERM and SIGKILL (0 means infinity and is refused).
    plist_builder& exit_timeout(unsigned seconds) {
        exit_timeout_ = seconds;
        return *this;
    }
    /// SoftResourceLimits/NumberOfFiles.
    plist_builder& number_of_files_soft_limit(unsigned limit) {
        number_of_files_ = limit;
        return *this;
    }
    /// LimitLoadToSessionType ("Aqua", "Background", "LoginWindow", "StandardIO", "System").
    plist_builder& limit_load_to_session_type(std::vector<std::string> types) {
        session_types_ = std::move(types);
        return *this;
    }
    /// StandardOutPath (absolute; launchd does not create its directory).
    plist_builder& standard_out_path(std::string path) {
        stdout_path_ = std::move(path);
        return *this;
    }
    /// StandardErrorPath (absolute; launchd does not create its directory).
    plist_builder& standard_error_path(std::string path) {
        stderr_path_ = std::move(path);
        return *this;
    }
    /// ProcessType.
    plist_builder& process_type(launchd::process_type t) {
        process_type_ = t;
        return *this;
    }
    /// UserName (LaunchDaemons only).
    plist_builder& user_name(std::string name) {
        user_name_ = std::move(name);
        return *this;
    }
    /// GroupName (LaunchDaemons only).
    plist_builder& group_name(std::string name) {
        group_name_ = std::move(name);
        return *this;
    }

    /// Renders the XML 1.0 plist with Apple's DOCTYPE, or returns the first invalid input.
    [[nodiscard]] result<std::string> build() const {
        if (auto ok = validate(); !ok) return unexpected_error(std::move(ok.error()));
        // One pass into a string reserved from the input sizes (escaping rarely adds a quarter).
        std::string out;
        out.reserve(estimated_size());
        detail::string_sink sink{&out};
        if (auto ok = write(sink); !ok) return unexpected_error(std::move(ok.error()));
        return out;
    }

  private:
    job_kind kind_;
    std::optional<std::string> label_;
    std::optional<std::vector<std::string>> arguments_;
    std::optional<std::string> working_directory_;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::optional<bool> run_at_load_;
    std::optional<bool> keep_alive_;
    std::optional<unsigned> throttle_interval_;
    std::optional<unsigned> exit_timeout_;
    std::optional<unsigned> number_of_files_;
    std::optional<std::vector<std::string>> session_types_;
    std::optional<std::string> stdout_path_;
    std::optional<std::string> stderr_path_;
    std::optional<launchd::process_type> process_type_;
    std::optional<std::string> user_name_;
    std::optional<std::string> group_name_;

    /// The unescaped size of the plist plus a quarter: build()'s one reservation.
    [[nodiscard]] std::size_t estimated_size() const noexcept {
        std::size_t n = 1024;  // the prolog, DOCTYPE and the fixed keys
        for (const std::optional<std::string>* v :
             {&label_, &working_directory_, &stdout_path_, &stderr_path_, &user_name_, &group_name_})
            if (*v) n += (*v)->size() + 48;
        if (arguments_)
            for (const std::string& a : *arguments_) n += a.size() + 32;
        for (const auto& [name, value] : environment_) n += name.size() + value.size() + 48;
        if (session_types_)
            for (const std::string& t : *session_types_) n += t.size() + 32;
        return n + n / 4;
    }

    [[nodiscard]] detail::status validate() const {
        if (!label_) return make_error(errc::missing_field, "Label", "a job needs a Label; call label()");
        if (auto ok = detail::check_label(*label_); !ok) return ok;
        if (!arguments_)
            return make_error(errc::missing_field, "ProgramArguments",
                              "a job needs ProgramArguments; call program_arguments()");
        if (arguments_->empty())
            return make_error(errc::empty_value, "ProgramArguments", "give at least the executable");
        if (auto ok = detail::check_plist_path((*arguments_)[0], "ProgramArguments[0]"); !ok) return ok;
        if (working_directory_)
            if (auto ok = detail::check_plist_path(*working_directory_, "WorkingDirectory"); !ok) return ok;
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const detail::field_ref field("EnvironmentVariables", environment_[i].first);
            if (auto ok = detail::check_environment_name(environment_[i].first, field); !ok) return ok;
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == environment_[i].first)
                    return make_error(errc::duplicate, field,
                                      "variable " + environment_[i].first + " is set twice; set it once");
        }
        if (exit_timeout_ && *exit_timeout_ == 0)
            return make_error(errc::out_of_range, "ExitTimeOut",
                              "0 means wait forever, which launchd advises against; give seconds");
        if (number_of_files_ && *number_of_files_ == 0)
            return make_error(errc::out_of_range, "SoftResourceLimits.NumberOfFiles",
                              "a limit of 0 files leaves the job unable to run");
        if (session_types_) {
            if (session_types_->empty())
                return make_error(errc::empty_value, "LimitLoadToSessionType",
                                  "give at least one session type");
            constexpr std::string_view known[] = {"Aqua", "Background", "LoginWindow", "StandardIO",
                                                  "System"};
            for (std::size_t i = 0; i < session_types_->size(); ++i) {
                bool ok = false;
                for (const std::string_view k : known) ok = ok || (*session_types_)[i] == k;
                if (!ok)
                    return make_error(errc::invalid_value, detail::indexed("LimitLoadToSessionType", i),
                                      "\"" + (*session_types_)[i] +
                                          "\" is not Aqua, Background, LoginWindow, StandardIO or System");
            }
        }
        if (stdout_path_)
            if (auto ok = detail::check_plist_path(*stdout_path_, "StandardOutPath"); !ok) return ok;
        if (stderr_path_)
            if (auto ok = detail::check_plist_path(*stderr_path_, "StandardErrorPath"); !ok) return ok;
        for (const auto& [key, value] :
             {std::pair{"UserName", &user_name_}, std::pair{"GroupName", &group_name_}}) {
            if (!*value) continue;
            if (kind_ == job_kind::agent)
                return make_error(errc::not_allowed, key,
                                  "applies only to LaunchDaemons (launchd refuses it in an agent); build "
                                  "with job_kind::daemon");
            if (auto ok = detail::check_user_name(**value, key); !ok) return ok;
        }
        return {};
    }

    template <class Sink>
    static void open_key(Sink& sink, std::string_view key, bool& first) {
        if (!first) sink.put('\n');
        first = false;
        sink.put("    <key>");
        sink.put(key);
        sink.put("</key>\n");
    }

    template <class Sink>
    static detail::status put_string(Sink& sink, std::string_view indent, std::string_view value,
                                     const detail::field_ref& field) {
        sink.put(indent);
        sink.put("<string>");
        if (auto ok = detail::put_xml_text(sink, value, field); !ok) return ok;
        sink.put("</string>\n");
        return {};
    }

    template <class Sink>
    static detail::status put_string_key(Sink& sink, std::string_view key,
                                         const std::optional<std::string>& value, bool& first) {
        if (!value) return {};
        open_key(sink, key, first);
        return put_string(sink, "    ", *value, key);
    }

    template <class Sink>
    static void put_integer(Sink& sink, std::string_view indent, unsigned value) {
        sink.put(indent);
        sink.put("<integer>");
        sink.put(std::to_string(value));
        sink.put("</integer>\n");
    }

    template <class Sink>
    static detail::status put_array(Sink& sink, std::string_view key, const std::vector<std::string>& items,
                                    bool& first) {
        open_key(sink, key, first);
        sink.put("    <array>\n");
        for (std::size_t i = 0; i < items.size(); ++i)
            if (auto ok = put_string(sink, "        ", items[i], detail::field_ref(key, i)); !ok) return ok;
        sink.put("    </array>\n");
        return {};
    }

    template <class Sink>
    detail::status write(Sink& sink) const {
        sink.put(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            "<plist version=\"1.0\">\n<dict>\n");
        bool first = true;
        if (auto ok = put_string_key(sink, "Label", label_, first); !ok) return ok;
        if (auto ok = put_array(sink, "ProgramArguments", *arguments_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "WorkingDirectory", working_directory_, first); !ok) return ok;
        if (!environment_.empty()) {
            open_key(sink, "EnvironmentVariables", first);
            sink.put("    <dict>\n");
            for (const auto& [name, value] : environment_) {
                sink.put("        <key>");
                sink.put(name);  // validated: [A-Za-z_][A-Za-z0-9_]* needs no escaping
                sink.put("</key>\n");
                if (auto ok =
                        put_string(sink, "        ", value, detail::field_ref("EnvironmentVariables", name));
                    !ok)
                    return ok;
            }
            sink.put("    </dict>\n");
        }
        if (session_types_)
            if (auto ok = put_array(sink, "LimitLoadToSessionType", *session_types_, first); !ok) return ok;
        for (const auto& [key, value] :
             {std::pair{"RunAtLoad", &run_at_load_}, std::pair{"KeepAlive", &keep_alive_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            sink.put(**value ? "    <true/>\n" : "    <false/>\n");
        }
        for (const auto& [key, value] :
             {std::pair{"ThrottleInterval", &throttle_interval_}, std::pair{"ExitTimeOut", &exit_timeout_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            put_integer(sink, "    ", **value);
        }
        if (number_of_files_) {
            open_key(sink, "SoftResourceLimits", first);
            sink.put("    <dict>\n        <key>NumberOfFiles</key>\n");
            put_integer(sink, "        ", *number_of_files_);
            sink.put("    </dict>\n");
        }
        if (auto ok = put_string_key(sink, "StandardOutPath", stdout_path_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "StandardErrorPath", stderr_path_, first); !ok) return ok;
        if (process_type_) {
            open_key(sink, "ProcessType", first);
            sink.put("    <string>");
            sink.put(to_string(*process_type_));
            sink.put("</string>\n");
        }
        if (auto ok = put_string_key(sink, "UserName", user_name_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "GroupName", group_name_, first); !ok) return ok;
        sink.put("</dict>\n</plist>\n");
        return {};
    }
};

// ================================ reading ================================================

/// A plist value of the subset plist_builder writes: string, integer, boolean, array, dict
/// (dict entries keep their document order).
class plist_value {
  public:
    using array_type = std::vector<plist_value>;
    using dict_type = std::vector<std::pair<std::string, plist_value>>;
    using storage_type = std::variant<std::string, std::int64_t, bool, array_type, dict_type>;

    plist_value() = default;
    /// Wraps any of the five alternatives.
    explicit plist_value(storage_type v) : value_(std::move(v)) {}

    /// The underlying variant, for std::visit.
    [[nodiscard]] const storage_type& storage() const noexcept { return value_; }
    /// The string, or nullptr when this is not a string.
    [[nodiscard]] const std::string* as_string() const noexcept { return std::get_if<std::string>(&value_); }
    /// The integer, or nullptr.
    [[nodiscard]] const std::int64_t* as_integer() const noexcept {
        return std::get_if<std::int64_t>(&value_);
    }
    /// The boolean, or nullptr.
    [[nodiscard]] const bool* as_bool() const noexcept { return std::get_if<bool>(&value_); }
    /// The array, or nullptr.
    [[nodiscard]] const array_type* as_array() const noexcept { return std::get_if<array_type>(&value_); }
    /// The dict entries, or nullptr.
    [[nodiscard]] const dict_type* as_dict() const noexcept { return std::get_if<dict_type>(&value_); }
    /// The value under `key` when this is a dict holding it, else nullptr.
    [[nodiscard]] const plist_value* find(std::string_view key) const noexcept {
        if (const dict_type* d = as_dict())
            for (const auto& [k, v] : *d)
                if (k == key) return &v;
        return nullptr;
    }
    /// Deep equality (dict order included).
    friend bool operator==(const plist_value& a, const plist_value& b) { return a.value_ == b.value_; }
    friend bool operator!=(const plist_value& a, const plist_value& b) { return !(a == b); }

  private:
    storage_type value_;
};

namespace detail {

/// A small strict XML reader for plists: prolog, comments, DOCTYPE without internal subset,
/// elements without attributes (but <plist>), character and entity references, CDATA.
class plist_reader {
  public:
    explicit plist_reader(std::string_view text) : text_(text) {}

    result<plist_value> document() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        if (const std::size_t bad = find_invalid_utf8(text_); bad != std::string_view::npos)
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
        auto value = element(0);
        if (!value) return value;
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (!starts("</plist>")) return fail("expected </plist> after the root value");
        pos_ += 8;
        if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
        if (pos_ != text_.size()) return fail("unexpected content after </plist>");
        return value;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;

    [[nodiscard]] bool starts(std::string_view s) const noexcept { return text_.substr(pos_, s.size()) == s; }

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
        const std::string expected = "</" + std::string(name) + ">";
        if (!starts(expected)) return fail("expected " + expected);
        pos_ += expected.size();
        return {};
    }

    /// Character data up to the next '<' that does not open CDATA, with references decoded.
    result<std::string> text(std::string_view element_name) {
        std::string out;
        while (pos_ < text_.size()) {
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
            std::size_t end = pos_;
            while (end < text_.size() && text_[end] != '<' && text_[end] != '&' && text_[end] != ']') ++end;
            if (end == pos_) end = pos_ + 1;
            if (auto ok = append_chars(out, text_.substr(pos_, end - pos_)); !ok)
                return unexpected_error(std::move(ok.error()));
            pos_ = end;
        }
        (void)element_name;
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

    result<plist_value> element(int depth) {
        if (depth > 64) return fail("nesting deeper than 64 levels");
        const std::size_t start = pos_;
        auto tag = open_tag();
        if (!tag) return unexpected_error(std::move(tag.error()));
        const auto [name, empty] = *tag;
        if (name == "true" || name == "false") {
            if (!empty)
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            return plist_value(plist_value::storage_type(name == "true"));
        }
        if (name == "string") {
            if (empty) return plist_value(plist_value::storage_type(std::string()));
            auto s = text(name);
            if (!s) return unexpected_error(std::move(s.error()));
            if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            return plist_value(plist_value::storage_type(std::move(*s)));
        }
        if (name == "integer") {
            if (empty) return fail_at(start, "an empty <integer/>");
            auto s = text(name);
            if (!s) return unexpected_error(std::move(s.error()));
            if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            return integer(*s, start);
        }
        if (name == "array") {
            plist_value::array_type items;
            if (!empty) {
                for (;;) {
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) break;
                    auto item = element(depth + 1);
                    if (!item) return item;
                    items.push_back(std::move(*item));
                }
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            }
            return plist_value(plist_value::storage_type(std::move(items)));
        }
        if (name == "dict") {
            plist_value::dict_type entries;
            std::set<std::string, std::less<>> keys;  // duplicate check in O(log n), not a scan
            if (!empty) {
                for (;;) {
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) break;
                    const std::size_t key_at = pos_;
                    auto key_tag = open_tag();
                    if (!key_tag) return unexpected_error(std::move(key_tag.error()));
                    if (key_tag->first != "key") return fail_at(key_at, "expected <key> in a dict");
                    std::string key;
                    if (!key_tag->second) {
                        auto k = text("key");
                        if (!k) return unexpected_error(std::move(k.error()));
                        key = std::move(*k);
                        if (auto ok = close_tag("key"); !ok) return unexpected_error(std::move(ok.error()));
                    }
                    if (!keys.insert(key).second)
                        return fail_at(key_at, "duplicate dict key \"" + key + "\"");
                    if (auto ok = misc(); !ok) return unexpected_error(std::move(ok.error()));
                    if (starts("</")) return fail_at(key_at, "missing value for key \"" + key + "\"");
                    auto value = element(depth + 1);
                    if (!value) return value;
                    entries.emplace_back(std::move(key), std::move(*value));
                }
                if (auto ok = close_tag(name); !ok) return unexpected_error(std::move(ok.error()));
            }
            return plist_value(plist_value::storage_type(std::move(entries)));
        }
        if (name == "real" || name == "data" || name == "date")
            return make_error(errc::unrepresentable, "plist",
                              "<" + std::string(name) +
                                  "> is outside the subset this reader supports "
                                  "(dict, array, string, integer, true, false)");
        return fail_at(start, "unknown element <" + printable(name) + ">");
    }

    [[nodiscard]] result<plist_value> integer(std::string_view s, std::size_t at) const {
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
        return plist_value(plist_value::storage_type(v));
    }
};

}  // namespace detail

/// Parses an XML plist of the subset plist_builder writes; strict like expat (well-formedness,
/// XML 1.0 characters) plus duplicate-key and integer-syntax checks.
[[nodiscard]] inline result<plist_value> parse_plist(std::string_view text) {
    return detail::plist_reader(text).document();
}

}  // namespace launchd
}  // namespace v1
}  // namespace hermes::service

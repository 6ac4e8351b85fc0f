// SPDX-License-Identifier: MIT
// libFuzzer harness: launchd::plist_builder fed arbitrary labels, argv, environment, paths and names.
//
// Property: build() returns either a typed error, or a well-formed XML plist that parse_plist reads
// back to exactly the expected keys (in the documented order, nothing added) and the input values.
// When built with expat (HERMES_FUZZ_WITH_EXPAT), expat must also accept the document and see the
// same leaf elements with the same text: an independent XML 1.0 parser agrees with parse_plist.
//
// Input: records separated by 0xFE (see fuzz_common.hpp); tag byte, then payload:
//   L label                 S program_arguments: argv[0] = payload made absolute ("/" prefixed)
//   s argv[0] as is         A one more argument (replaces the whole argv, like the setter, at the end)
//   W working_directory     E environment("NAME=value", split at the first '=')
//   O standard_out_path     o standard_error_path     U user_name     G group_name
//   Y one more session type (limit_load_to_session_type)   y limit_load_to_session_type({})
//   D job_kind::daemon      R run_at_load(payload[0] odd)   k keep_alive(payload[0] odd)
//   I throttle_interval     X exit_timeout    N number_of_files_soft_limit  (payload bytes, little-endian)
//   P process_type(payload[0] % 4)
#include <cstddef>
#include <cstdint>
#include <hermes/service/launchd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"

#if defined(HERMES_FUZZ_WITH_EXPAT)
#  include <expat.h>
#endif

namespace {

namespace hs = hermes::service;
namespace ld = hermes::service::launchd;

using leaf_list = std::vector<std::pair<std::string, std::string>>;  // (element, text) of every leaf

unsigned number(const std::string& payload) {
    unsigned v = 0;
    for (std::size_t i = 0; i < payload.size() && i < 4; ++i)
        v |= static_cast<unsigned>(static_cast<unsigned char>(payload[i])) << (8 * i);
    return v;
}

bool odd(const std::string& payload) {
    return !payload.empty() && (static_cast<unsigned char>(payload[0]) & 1u) != 0;
}

void flatten(const ld::plist_value& v, leaf_list& out) {
    if (const std::string* s = v.as_string()) {
        out.emplace_back("string", *s);
    } else if (const std::int64_t* i = v.as_integer()) {
        out.emplace_back("integer", std::to_string(*i));
    } else if (const bool* b = v.as_bool()) {
        out.emplace_back(*b ? "true" : "false", "");
    } else if (const auto* a = v.as_array()) {
        for (const ld::plist_value& item : *a) flatten(item, out);
    } else if (const auto* d = v.as_dict()) {
        for (const auto& [k, item] : *d) {
            out.emplace_back("key", k);
            flatten(item, out);
        }
    }
}

#if defined(HERMES_FUZZ_WITH_EXPAT)
struct expat_state {
    leaf_list leaves;
    std::string text;
    bool in_leaf = false;
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char**) {
    auto* st = static_cast<expat_state*>(user);
    const std::string n = name;
    st->in_leaf = n == "string" || n == "key" || n == "integer" || n == "true" || n == "false";
    st->text.clear();
}
void XMLCALL on_end(void* user, const XML_Char* name) {
    auto* st = static_cast<expat_state*>(user);
    if (st->in_leaf) st->leaves.emplace_back(name, st->text);
    st->in_leaf = false;
}
void XMLCALL on_text(void* user, const XML_Char* s, int len) {
    auto* st = static_cast<expat_state*>(user);
    if (st->in_leaf) st->text.append(s, static_cast<std::size_t>(len));
}

void check_with_expat(const std::string& text, const leaf_list& want) {
    XML_Parser p = XML_ParserCreate("UTF-8");
    expat_state st;
    XML_SetUserData(p, &st);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    const bool ok = XML_Parse(p, text.data(), static_cast<int>(text.size()), 1) == XML_STATUS_OK;
    const std::string why = ok ? std::string() : XML_ErrorString(XML_GetErrorCode(p));
    XML_ParserFree(p);
    FUZZ_CHECK(ok, "expat: " + why, text);
    FUZZ_CHECK(st.leaves == want, "expat sees other values than parse_plist", text);
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::vector<fuzz::record> records = fuzz::split_records(data, size);

    bool daemon = false;
    for (const fuzz::record& r : records) daemon = daemon || r.tag == 'D';
    ld::plist_builder b(daemon ? ld::job_kind::daemon : ld::job_kind::agent);

    std::optional<std::string> label, working_directory, out_path, err_path, user, group;
    std::optional<std::vector<std::string>> argv, session_types;
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<bool> run_at_load, keep_alive;
    std::optional<unsigned> throttle, exit_timeout, files;
    std::optional<ld::process_type> ptype;
    for (const fuzz::record& r : records) {
        const std::string& p = r.payload;
        switch (r.tag) {
            case 'L':
                label = p;
                b.label(p);
                break;
            case 'S': argv = std::vector<std::string>{p.empty() || p.front() != '/' ? "/" + p : p}; break;
            case 's': argv = std::vector<std::string>{p}; break;
            case 'A':
                if (argv) argv->push_back(p);
                break;
            case 'W':
                working_directory = p;
                b.working_directory(p);
                break;
            case 'E':
                env.push_back(fuzz::split_assignment(p));
                b.environment(env.back().first, env.back().second);
                break;
            case 'O':
                out_path = p;
                b.standard_out_path(p);
                break;
            case 'o':
                err_path = p;
                b.standard_error_path(p);
                break;
            case 'U':
                user = p;
                b.user_name(p);
                break;
            case 'G':
                group = p;
                b.group_name(p);
                break;
            case 'Y':
                if (!session_types) session_types.emplace();
                session_types->push_back(p);
                break;
            case 'y': session_types.emplace(); break;
            case 'R':
                run_at_load = odd(p);
                b.run_at_load(*run_at_load);
                break;
            case 'k':
                keep_alive = odd(p);
                b.keep_alive(*keep_alive);
                break;
            case 'I':
                throttle = number(p);
                b.throttle_interval(*throttle);
                break;
            case 'X':
                exit_timeout = number(p);
                b.exit_timeout(*exit_timeout);
                break;
            case 'N':
                files = number(p);
                b.number_of_files_soft_limit(*files);
                break;
            case 'P':
                ptype = static_cast<ld::process_type>(p.empty() ? 0 : static_cast<unsigned char>(p[0]) % 4);
                b.process_type(*ptype);
                break;
            default: break;
        }
    }
    if (argv) b.program_arguments(*argv);
    if (session_types) b.limit_load_to_session_type(*session_types);

    const std::optional<std::string> built = fuzz::stable_build(b);
    if (!built) return 0;
    const std::string& text = *built;
    FUZZ_CHECK(label && argv, "build() succeeded without Label or ProgramArguments", text);

    // The document we expect, as (element, text) leaves in document order.
    leaf_list want;
    const auto key = [&](const char* k) { want.emplace_back("key", k); };
    const auto str = [&](const std::string& s) { want.emplace_back("string", s); };
    key("Label"), str(*label);
    key("ProgramArguments");
    for (const std::string& a : *argv) str(a);
    if (working_directory) key("WorkingDirectory"), str(*working_directory);
    if (!env.empty()) {
        key("EnvironmentVariables");
        for (const auto& [n, v] : env) want.emplace_back("key", n), str(v);
    }
    if (session_types) {
        key("LimitLoadToSessionType");
        for (const std::string& t : *session_types) str(t);
    }
    if (run_at_load) key("RunAtLoad"), want.emplace_back(*run_at_load ? "true" : "false", "");
    if (keep_alive) key("KeepAlive"), want.emplace_back(*keep_alive ? "true" : "false", "");
    if (throttle) key("ThrottleInterval"), want.emplace_back("integer", std::to_string(*throttle));
    if (exit_timeout) key("ExitTimeOut"), want.emplace_back("integer", std::to_string(*exit_timeout));
    if (files)
        key("SoftResourceLimits"), key("NumberOfFiles"), want.emplace_back("integer", std::to_string(*files));
    if (out_path) key("StandardOutPath"), str(*out_path);
    if (err_path) key("StandardErrorPath"), str(*err_path);
    if (ptype) key("ProcessType"), str(std::string(ld::to_string(*ptype)));
    if (user) key("UserName"), str(*user);
    if (group) key("GroupName"), str(*group);

    const hs::result<ld::plist_value> parsed = ld::parse_plist(text);
    FUZZ_CHECK(parsed.has_value(), parsed ? std::string() : hs::to_string(parsed.error()), text);
    FUZZ_CHECK(parsed->as_dict() != nullptr, "the root is not a dict", text);
    leaf_list got;
    flatten(*parsed, got);
    if (got != want) {
        std::string detail;
        for (std::size_t i = 0; i < got.size() || i < want.size(); ++i) {
            const auto show = [](const leaf_list& l, std::size_t j) {
                return j < l.size() ? l[j].first + ":" + fuzz::hex(l[j].second) : std::string("(none)");
            };
            if (i >= got.size() || i >= want.size() || got[i] != want[i]) {
                detail = "leaf " + std::to_string(i) + ": got " + show(got, i) + ", want " + show(want, i);
                break;
            }
        }
        fuzz::fail("parse_plist reads back other values", detail, text);
    }
    // The typed accessors agree with the flat view for the values a host reads.
    const ld::plist_value* args = parsed->find("ProgramArguments");
    FUZZ_CHECK(args && args->as_array() && args->as_array()->size() == argv->size(), "ProgramArguments",
               text);
    const ld::plist_value* l = parsed->find("Label");
    FUZZ_CHECK(l && l->as_string() && *l->as_string() == *label, "Label", text);
#if defined(HERMES_FUZZ_WITH_EXPAT)
    check_with_expat(text, want);
#endif
    return 0;
}

// SPDX-License-Identifier: MIT
// Test-only: reads the vector files under tests/vectors/ (format: tests/vectors/README.md).
#pragma once

#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#ifndef HERMES_TEST_SOURCE_DIR
#  error "HERMES_TEST_SOURCE_DIR must be defined (string literal: the tests/ directory)"
#endif

namespace hermes_test::vectors {

/// One token of a record: a bare word (`extract`, `ERROR`, `=>`) or a string expression.
struct token {
    bool is_string = false;
    std::string text;
};

/// One record line: `where op args... => expect...`, with the directives in force.
struct record {
    std::string source;                    ///< the last @source
    std::string where;                     ///< e.g. "L120" (line in the source file)
    std::string op;                        ///< e.g. "exec"
    std::vector<token> args;               ///< tokens between op and "=>"
    std::vector<token> expect;             ///< tokens after "=>"
    std::vector<std::string> environment;  ///< the last @env strings ("NAME=value")
};

/// A parsed vector file: its records and the count it declares (@count).
struct file {
    std::vector<record> records;
    std::size_t declared_count = 0;
};

namespace detail {

class line_parser {
  public:
    explicit line_parser(std::string_view s) : s_(s) {}

    [[nodiscard]] bool done() {
        skip_space();
        return pos_ == s_.size();
    }

    token next() {
        skip_space();
        if (s_[pos_] == '"' || s_[pos_] == '(') return token{true, expression()};
        const std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != '\t') ++pos_;
        return token{false, std::string(s_.substr(start, pos_ - start))};
    }

  private:
    std::string_view s_;
    std::size_t pos_ = 0;

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("vector file: " + why + " at column " + std::to_string(pos_ + 1) +
                                 " of: " + std::string(s_));
    }
    // expression := term ('+' term)* ; term := atom ('*' N)? ; atom := C-literal | '(' expression ')'
    std::string expression() {
        std::string out = term();
        for (;;) {
            const std::size_t save = pos_;
            skip_space();
            if (pos_ < s_.size() && s_[pos_] == '+') {
                ++pos_;
                skip_space();
                out += term();
            } else {
                pos_ = save;
                return out;
            }
        }
    }
    std::string term() {
        std::string a = atom();
        if (pos_ < s_.size() && s_[pos_] == '*') {
            ++pos_;
            std::size_t n = 0;
            const std::size_t start = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
                n = n * 10 + std::size_t(s_[pos_++] - '0');
            if (pos_ == start) fail("expected a count after '*'");
            std::string r;
            r.reserve(a.size() * n);
            for (std::size_t i = 0; i < n; ++i) r += a;
            return r;
        }
        return a;
    }
    std::string atom() {
        if (pos_ < s_.size() && s_[pos_] == '(') {
            ++pos_;
            skip_space();
            std::string inner = expression();
            skip_space();
            if (pos_ >= s_.size() || s_[pos_] != ')') fail("expected ')'");
            ++pos_;
            return inner;
        }
        if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string literal");
        ++pos_;
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != '"') {
            const char c = s_[pos_++];
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= s_.size()) fail("a literal ends in '\\'");
            const char e = s_[pos_++];
            switch (e) {
                case 'a': out.push_back('\a'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'v': out.push_back('\v'); break;
                case '\\': out.push_back('\\'); break;
                case '"': out.push_back('"'); break;
                case '\'': out.push_back('\''); break;
                case 'x': {  // exactly two hex digits (every vector is written so)
                    if (pos_ + 2 > s_.size()) fail("\\x needs two hex digits");
                    out.push_back(static_cast<char>(std::stoi(std::string(s_.substr(pos_, 2)), nullptr, 16)));
                    pos_ += 2;
                    break;
                }
                default: {
                    if (e < '0' || e > '7') fail(std::string("unknown escape \\") + e);
                    int v = e - '0';
                    for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k)
                        v = v * 8 + (s_[pos_++] - '0');
                    out.push_back(static_cast<char>(v));
                }
            }
        }
        if (pos_ >= s_.size()) fail("unterminated literal");
        ++pos_;
        return out;
    }
};

}  // namespace detail

/// Reads tests/vectors/<name>; throws std::runtime_error on a malformed line.
inline file load(const std::string& name) {
    const std::string path = std::string(HERMES_TEST_SOURCE_DIR) + "/vectors/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    file out;
    std::string source;
    std::vector<std::string> environment;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        detail::line_parser p(line);
        const token first = p.next();
        if (first.text == "@source") {
            source = line.substr(8);
        } else if (first.text == "@count") {
            out.declared_count = std::stoul(p.next().text);
        } else if (first.text == "@env") {
            environment.clear();
            while (!p.done()) environment.push_back(p.next().text);
        } else {
            record r{source, first.text, p.next().text, {}, {}, environment};
            bool after = false;
            while (!p.done()) {
                token t = p.next();
                if (!t.is_string && t.text == "=>") {
                    after = true;
                } else {
                    (after ? r.expect : r.args).push_back(std::move(t));
                }
            }
            if (!after)
                throw std::runtime_error(
                    std::string("vector file ").append(name).append(": no '=>' in: ").append(line));
            out.records.push_back(std::move(r));
        }
    }
    return out;
}

}  // namespace hermes_test::vectors

#include "toml_bounds.hpp"

#include <vector>

namespace multi6d {

namespace {

class Scanner {
  public:
    Scanner(std::string_view text, const std::string& file) : text_(text), file_(file) {}

    std::optional<ConfigError> run() {
        start_key();
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '"' || c == '\'') {
                skip_string(c);
                continue;
            }
            if (c == '#') {
                while (at_ < text_.size() && text_[at_] != '\n') {
                    advance();
                }
                continue;
            }
            if (auto error = structural(c)) {
                return error;
            }
            advance();
        }
        return std::nullopt;
    }

  private:
    std::optional<ConfigError> structural(char c) {
        if (c == '\n') {
            if (open_.empty()) {
                start_key();  // a key or a [table] header starts each line
            }
            return std::nullopt;
        }
        if (in_key_) {
            if (c == '=') {
                in_key_ = false;
            } else if (c == '.' && ++key_parts_ > max_key_parts) {
                return fail("a key of more than " + std::to_string(max_key_parts) +
                            " dotted parts (the limit)");
            } else if (c == '[' && open_.empty() && !header_) {
                header_ = true;  // [table] or [[array of tables]]: a key up to ']'
            } else if (c == ']' && header_) {
                in_key_ = false;
                header_ = false;
            } else if (c == '}' && !open_.empty() && open_.back() == '{') {
                open_.pop_back();  // an empty inline table, "x = {}"
                in_key_ = false;
            }
            return std::nullopt;
        }
        if (c == '[' || c == '{') {
            open_.push_back(c);
            if (open_.size() > max_value_nesting) {
                return fail("arrays or inline tables nested more than " +
                            std::to_string(max_value_nesting) + " deep (the limit)");
            }
            if (c == '{') {
                start_key();
            }
        } else if ((c == ']' || c == '}') && !open_.empty()) {
            open_.pop_back();
        } else if (c == ',' && !open_.empty() && open_.back() == '{') {
            start_key();
        }
        return std::nullopt;
    }

    void start_key() {
        in_key_ = true;
        header_ = false;
        key_parts_ = 1;
    }

    // "..." and '...', and their multi-line forms """...""" and '''...'''.
    void skip_string(char quote) {
        const bool multi_line =
            text_.substr(at_, 3) == std::string_view(quote == '"' ? "\"\"\"" : "'''");
        const std::size_t opener = multi_line ? 3 : 1;
        for (std::size_t i = 0; i < opener; ++i) {
            advance();
        }
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '\\' && quote == '"') {
                advance();
                if (at_ < text_.size()) {
                    advance();
                }
                continue;
            }
            if (c == '\n' && !multi_line) {
                return;  // unterminated: toml++ reports it
            }
            if (c == quote && (!multi_line || text_.substr(at_, 3) == std::string(3, quote))) {
                for (std::size_t i = 0; i < opener; ++i) {
                    advance();
                }
                return;
            }
            advance();
        }
    }

    void advance() {
        if (text_[at_] == '\n') {
            ++line_;
            column_ = 1;
        } else {
            ++column_;
        }
        ++at_;
    }

    ConfigError fail(std::string message) const {
        return ConfigError{file_, line_, column_, "", std::move(message)};
    }

    std::string_view text_;
    const std::string& file_;
    std::size_t at_ = 0;
    unsigned line_ = 1;
    unsigned column_ = 1;
    std::vector<char> open_;  // '[' and '{' not closed yet
    bool in_key_ = true;
    bool header_ = false;
    std::size_t key_parts_ = 1;
};

}  // namespace

std::optional<ConfigError> check_toml_bounds(std::string_view text, const std::string& file_name) {
    return Scanner(text, file_name).run();
}

}  // namespace multi6d

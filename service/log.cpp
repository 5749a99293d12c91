#include "log.hpp"

#include <unistd.h>

#include <array>
#include <string>

namespace multi6d::log {

namespace {
Level current_level = Level::Info;
}

std::optional<Level> parse_level(std::string_view name) {
    if (name == "error")
        return Level::Error;
    if (name == "warning")
        return Level::Warning;
    if (name == "notice")
        return Level::Notice;
    if (name == "info")
        return Level::Info;
    if (name == "debug")
        return Level::Debug;
    return std::nullopt;
}

std::string_view level_name(Level l) {
    switch (l) {
        case Level::Error:
            return "error";
        case Level::Warning:
            return "warning";
        case Level::Notice:
            return "notice";
        case Level::Info:
            return "info";
        case Level::Debug:
            return "debug";
    }
    return "info";
}

void set_level(Level l) {
    current_level = l;
}
Level level() {
    return current_level;
}
bool enabled(Level l) {
    return static_cast<int>(l) <= static_cast<int>(current_level);
}

void write(Level l, std::string_view message) {
    if (!enabled(l)) {
        return;
    }
    // One write(2) per line so lines from a crashing process are never torn.
    std::string line;
    line.reserve(message.size() + 5);
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(l));
    line += '>';
    line += message;
    line += '\n';
    std::string_view rest = line;
    while (!rest.empty()) {
        const ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
        if (n <= 0) {
            return;  // stderr gone: nothing sensible left to do
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace multi6d::log

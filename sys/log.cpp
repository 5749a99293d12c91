#include "log.hpp"

#include <unistd.h>

#include <array>
#include <string>
#include <utility>

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

bool RateLimit::allow(Clock::time_point now, std::uint64_t& suppressed) {
    suppressed = 0;
    if (!started_ || now - window_start_ >= interval_) {
        started_ = true;
        window_start_ = now;
        in_window_ = 0;
    }
    if (in_window_ >= burst_) {
        ++suppressed_;
        return false;
    }
    ++in_window_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
}

void RateLimit::write(Level level, std::string_view message) {
    if (!enabled(level)) {
        return;
    }
    std::uint64_t suppressed = 0;
    if (!allow(Clock::now(), suppressed)) {
        return;
    }
    if (suppressed > 0) {
        multi6d::log::write(
            level, std::to_string(suppressed) + " similar lines suppressed (" + what_ +
                       ", at most " + std::to_string(burst_) + " every " +
                       std::to_string(
                           std::chrono::duration_cast<std::chrono::seconds>(interval_).count()) +
                       " s)");
    }
    multi6d::log::write(level, message);
}

}  // namespace multi6d::log

// Logging to stderr with syslog priority prefixes ("<3>message"), which
// journald turns into priorities when the daemon runs under systemd
// (sd-daemon(3)). One line per message; no timestamps (journald adds them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace multi6d::log {

enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
bool enabled(Level level);

void write(Level level, std::string_view message);

inline void error(std::string_view m) {
    write(Level::Error, m);
}
inline void warning(std::string_view m) {
    write(Level::Warning, m);
}
inline void notice(std::string_view m) {
    write(Level::Notice, m);
}
inline void info(std::string_view m) {
    write(Level::Info, m);
}
inline void debug(std::string_view m) {
    write(Level::Debug, m);
}

}  // namespace multi6d::log

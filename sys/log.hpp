// Logging to stderr with syslog priority prefixes ("<3>message"), which
// journald turns into priorities when the daemon runs under systemd
// (sd-daemon(3)). One line per message; no timestamps (journald adds them).
#pragma once

#include <chrono>
#include <cstdint>
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

// journald's LogRateLimitIntervalSec=/LogRateLimitBurst= for one kind of
// line that an unprivileged caller or a routine event can repeat: at most
// `burst` lines per `interval`; the rest are dropped and counted, and the
// first line let through after a drop is preceded by "N similar lines
// suppressed" (multi6d(8), LOGGING). The clock is passed in for tests.
class RateLimit {
  public:
    using Clock = std::chrono::steady_clock;
    // 10 lines per 30 s: journald's interval, a burst that still shows a
    // pattern (who, how often) without letting one caller fill the journal.
    explicit RateLimit(std::string what, Clock::duration interval = std::chrono::seconds(30),
                       unsigned burst = 10)
        : what_(std::move(what)), interval_(interval), burst_(burst) {}

    // Whether a line at `now` may be written; when it may and lines were
    // suppressed before it, `suppressed` is set to their number (else 0).
    bool allow(Clock::time_point now, std::uint64_t& suppressed);
    // allow() at the current time, then write() (the count line first).
    void write(Level level, std::string_view message);

  private:
    std::string what_;
    Clock::duration interval_;
    unsigned burst_;
    Clock::time_point window_start_{};
    bool started_ = false;
    unsigned in_window_ = 0;
    std::uint64_t suppressed_ = 0;
};

}  // namespace multi6d::log

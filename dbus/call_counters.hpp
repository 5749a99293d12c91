// D-Bus method calls of org.multi6d.Manager1 and the error replies among
// them, by method, since the daemon started: BusService keeps them, so they
// survive reconnects to the bus. Counted by the adaptor for every call it
// answers (an error reply is a call and an error); property reads,
// Introspect and Peer calls are answered by sd-bus or the bus and not
// counted. Read by the Counters property (multi6ctl metrics:
// multi6d_dbus_calls_total, multi6d_dbus_errors_total).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace multi6d::dbus {

enum class Method : std::size_t { Rank, RankHost, ListPaths, Reload };

class CallCounters {
  public:
    static constexpr std::size_t methods = 4;
    // The method's member name on the bus ("Rank", ...).
    static constexpr std::string_view name(Method m) {
        constexpr std::array<std::string_view, methods> names{"Rank", "RankHost", "ListPaths",
                                                              "Reload"};
        return names[static_cast<std::size_t>(m)];
    }
    // Rank is the hot call: an array index, no lookup.
    void call(Method m) { ++calls_[static_cast<std::size_t>(m)]; }
    void error(Method m) { ++errors_[static_cast<std::size_t>(m)]; }
    std::uint64_t calls(Method m) const { return calls_[static_cast<std::size_t>(m)]; }
    std::uint64_t errors(Method m) const { return errors_[static_cast<std::size_t>(m)]; }

  private:
    std::array<std::uint64_t, methods> calls_{};
    std::array<std::uint64_t, methods> errors_{};
};

}  // namespace multi6d::dbus

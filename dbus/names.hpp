// The names of multi6d's D-Bus interface (DESIGN.md §5). Versioned from day
// one: an incompatible change gets org.multi6d2 / Manager2 next to these.
#pragma once

namespace multi6d::dbus {

inline constexpr const char* bus_name = "org.multi6d1";
inline constexpr const char* object_path = "/org/multi6d1";
inline constexpr const char* manager_interface = "org.multi6d.Manager1";

// polkit action that Reload (and any future change) needs unless the caller
// is root; declared in dbus/org.multi6d.policy.
inline constexpr const char* reload_action = "org.multi6d.reload";

namespace error {
inline constexpr const char* invalid_argument = "org.multi6d.Error.InvalidArgument";
inline constexpr const char* not_authorized = "org.multi6d.Error.NotAuthorized";
inline constexpr const char* resolve_failed = "org.multi6d.Error.ResolveFailed";
inline constexpr const char* reload_failed = "org.multi6d.Error.ReloadFailed";
inline constexpr const char* limits_exceeded = "org.freedesktop.DBus.Error.LimitsExceeded";
}  // namespace error

}  // namespace multi6d::dbus

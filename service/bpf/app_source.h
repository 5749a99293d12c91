/* The map the daemon shares with app_source.bpf.c: cgroup id (the cgroup2
 * directory's kernfs id, name_to_handle_at(2)) of a unit's cgroup → what
 * its sockets get (policy/unit_wants.hpp). C, for the BPF side and the
 * loader alike. */
#pragma once

#include <linux/types.h>

/* Bind: give an unbound socket `source`; Block: refuse (EPERM). */
enum app_source_action {
    APP_SOURCE_BIND = 1,
    APP_SOURCE_BLOCK = 2,
};

struct app_source_entry {
    __u32 action;
    __u32 source[4]; /* IPv6 address, network byte order */
};

/* The map's size: every running instance of every configured unit (a user
 * unit runs once per logged-in user). */
#define APP_SOURCE_MAX_CGROUPS 1024
/* How deep the program looks for a configured ancestor of the caller's
 * cgroup (a unit's processes may sit in sub-cgroups of its own). */
#define APP_SOURCE_MAX_LEVELS 32

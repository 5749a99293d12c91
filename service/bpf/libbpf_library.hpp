// libbpf, opened at run time. The daemon loads BPF programs only when its
// configuration asks for one (an [[application]] with mptcp = true or
// units, multi6d.toml(5)), so it does not link libbpf: dlopen(3) maps it
// (with libelf and libz) on first use, and a host without the libbpf1
// package runs everything else and gets one clear log line for the feature
// that needs it (multi6d(8), BPF PROGRAMS). systemd opens libbpf the same
// way (src/shared/bpf-dlopen.c).
//
// The skeletons bpftool generates call libbpf by name; bpf_skeleton_api.hpp
// points those names at the functions opened here.
#pragma once

#include <bpf/libbpf.h>

#include <optional>
#include <string>

namespace multi6d::bpf {

// The libbpf functions the daemon's skeletons and loaders call, with the
// types <bpf/libbpf.h> declares (so a signature change fails the build).
struct LibbpfApi {
    decltype(&::bpf_object__open_skeleton) open_skeleton = nullptr;
    decltype(&::bpf_object__load_skeleton) load_skeleton = nullptr;
    decltype(&::bpf_object__attach_skeleton) attach_skeleton = nullptr;
    decltype(&::bpf_object__detach_skeleton) detach_skeleton = nullptr;
    decltype(&::bpf_object__destroy_skeleton) destroy_skeleton = nullptr;
    decltype(&::bpf_program__attach_cgroup) program_attach_cgroup = nullptr;
    decltype(&::bpf_link__destroy) link_destroy = nullptr;
    decltype(&::bpf_map__update_elem) map_update_elem = nullptr;
    decltype(&::bpf_map__delete_elem) map_delete_elem = nullptr;
    decltype(&::libbpf_set_print) set_print = nullptr;
    decltype(&::libbpf_major_version) major_version = nullptr;
    decltype(&::libbpf_minor_version) minor_version = nullptr;
};

// The soname of the libbpf ABI the skeletons are built for (libbpf 1.x).
inline constexpr const char* libbpf_soname = "libbpf.so.1";

// Opens `soname` and resolves every function of LibbpfApi; on failure
// returns nothing, closes what it opened and sets `error` to a sentence
// naming the library and what was missing (dlerror(3)'s text).
std::optional<LibbpfApi> open_libbpf(const char* soname, std::string& error);

// libbpf for the daemon: opened on the first call (and kept open for the
// life of the process, as a loaded program's links need it), its messages
// routed to the daemon's log (warnings rate-limited: a reload can repeat a
// verifier's output). nullptr, with `error` set, when it cannot be opened;
// a later call tries again (the package may have been installed since).
const LibbpfApi* libbpf(std::string& error);

// The API libbpf() opened. Precondition: libbpf() succeeded (the skeleton
// functions of bpf_skeleton_api.hpp are called only after it did).
const LibbpfApi& libbpf_api();

}  // namespace multi6d::bpf

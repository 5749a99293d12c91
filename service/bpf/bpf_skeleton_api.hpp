// Include this before a bpftool skeleton (NAME.skel.h, made by
// multi6d_bpf_skeleton() in CMakeLists.txt), never <bpf/libbpf.h> alone: a
// skeleton calls libbpf's bpf_object__*_skeleton() functions by name, and
// the daemon does not link libbpf (libbpf_library.hpp). These macros make
// those calls go to the library libbpf() opened; <bpf/libbpf.h> is
// included first, so its declarations keep their names and the skeleton's
// own #include of it is a no-op.
//
// Only the skeleton's calls are redirected: a loader calls the rest of
// libbpf through libbpf_api() itself.
#pragma once

#include <bpf/libbpf.h>

#include "libbpf_library.hpp"

#define bpf_object__open_skeleton(...) (::multi6d::bpf::libbpf_api().open_skeleton(__VA_ARGS__))
#define bpf_object__load_skeleton(...) (::multi6d::bpf::libbpf_api().load_skeleton(__VA_ARGS__))
#define bpf_object__attach_skeleton(...) (::multi6d::bpf::libbpf_api().attach_skeleton(__VA_ARGS__))
#define bpf_object__detach_skeleton(...) (::multi6d::bpf::libbpf_api().detach_skeleton(__VA_ARGS__))
#define bpf_object__destroy_skeleton(...) \
    (::multi6d::bpf::libbpf_api().destroy_skeleton(__VA_ARGS__))

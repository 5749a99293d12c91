#include "libbpf_library.hpp"

#include <dlfcn.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "log.hpp"

namespace multi6d::bpf {

namespace {

template <typename Function>
bool resolve(void* handle, const char* symbol, Function& out, std::string& missing) {
    out = reinterpret_cast<Function>(dlsym(handle, symbol));
    if (out == nullptr) {
        missing += (missing.empty() ? "" : ", ") + std::string(symbol);
        return false;
    }
    return true;
}

// libbpf's messages end in a newline and come in three levels; debug ones
// (every relocation, every map) only at --log-level=debug.
int log_libbpf(enum libbpf_print_level level, const char* format, va_list args) {
    static log::RateLimit warnings("libbpf messages");
    const log::Level ours = level == LIBBPF_WARN   ? log::Level::Warning
                            : level == LIBBPF_INFO ? log::Level::Info
                                                   : log::Level::Debug;
    if (!log::enabled(ours)) {
        return 0;
    }
    std::array<char, 512> line{};
    const int n = std::vsnprintf(line.data(), line.size(), format, args);
    if (n < 0) {
        return n;
    }
    std::string text(line.data());
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    if (ours == log::Level::Warning) {
        warnings.write(ours, text);
    } else {
        log::write(ours, text);
    }
    return n;
}

const LibbpfApi* opened = nullptr;

}  // namespace

std::optional<LibbpfApi> open_libbpf(const char* soname, std::string& error) {
    // RTLD_LOCAL: libbpf's symbols stay out of the global namespace, where
    // nothing else of the daemon looks for them.
    void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        error = "cannot open " + std::string(soname) +
                " (package libbpf1): " + (why != nullptr ? why : "unknown error");
        return std::nullopt;
    }
    LibbpfApi api;
    std::string missing;
    resolve(handle, "bpf_object__open_skeleton", api.open_skeleton, missing);
    resolve(handle, "bpf_object__load_skeleton", api.load_skeleton, missing);
    resolve(handle, "bpf_object__attach_skeleton", api.attach_skeleton, missing);
    resolve(handle, "bpf_object__detach_skeleton", api.detach_skeleton, missing);
    resolve(handle, "bpf_object__destroy_skeleton", api.destroy_skeleton, missing);
    resolve(handle, "bpf_program__attach_cgroup", api.program_attach_cgroup, missing);
    resolve(handle, "bpf_link__destroy", api.link_destroy, missing);
    resolve(handle, "bpf_map__update_elem", api.map_update_elem, missing);
    resolve(handle, "bpf_map__delete_elem", api.map_delete_elem, missing);
    resolve(handle, "libbpf_set_print", api.set_print, missing);
    resolve(handle, "libbpf_major_version", api.major_version, missing);
    resolve(handle, "libbpf_minor_version", api.minor_version, missing);
    if (!missing.empty()) {
        error = std::string(soname) + " lacks " + missing + " (libbpf 1.0 or later is needed)";
        dlclose(handle);
        return std::nullopt;
    }
    return api;
}

const LibbpfApi* libbpf(std::string& error) {
    if (opened != nullptr) {
        return opened;
    }
    std::optional<LibbpfApi> api = open_libbpf(libbpf_soname, error);
    if (!api) {
        return nullptr;
    }
    // The handle is never closed: loaded programs and their links are
    // libbpf objects, released by the skeletons' destroy functions.
    static LibbpfApi kept = *api;
    opened = &kept;
    kept.set_print(log_libbpf);
    log::info("libbpf " + std::to_string(kept.major_version()) + "." +
              std::to_string(kept.minor_version()) + " opened (" + libbpf_soname + ")");
    return opened;
}

const LibbpfApi& libbpf_api() {
    if (opened == nullptr) {
        log::error("internal error: a BPF skeleton was used before libbpf was opened");
        std::abort();
    }
    return *opened;
}

}  // namespace multi6d::bpf

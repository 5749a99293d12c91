#include "app_source_program.hpp"

// clang-format off
#include "bpf_skeleton_api.hpp"  // before the skeleton (it redirects its calls)
#include "app_source.skel.h"
// clang-format on

#include <cerrno>
#include <cstring>
#include <utility>

extern "C" {
#include "app_source.h"
}

#include "libbpf_library.hpp"

namespace multi6d::bpf {

namespace {

std::string errno_text(int error) {
    return std::strerror(error < 0 ? -error : error);
}

}  // namespace

std::unique_ptr<AppSourceProgram> AppSourceProgram::load(std::string& error) {
    if (libbpf(error) == nullptr) {
        return nullptr;
    }
    errno = 0;
    app_source* skeleton = app_source__open_and_load();
    if (skeleton == nullptr) {
        const int e = errno;
        error = "the kernel refused the units' cgroup programs (" + errno_text(e) + ")" +
                (e == EPERM ? ": CAP_BPF and CAP_NET_ADMIN are needed" : "");
        return nullptr;
    }
    return std::unique_ptr<AppSourceProgram>(new AppSourceProgram(skeleton));
}

AppSourceProgram::~AppSourceProgram() {
    app_source__destroy(skeleton_);
}

AppSourceProgram::Attachment::~Attachment() {
    reset();
}

AppSourceProgram::Attachment::Attachment(Attachment&& other) noexcept
    : connect_(std::exchange(other.connect_, nullptr)),
      sendmsg_(std::exchange(other.sendmsg_, nullptr)) {}

AppSourceProgram::Attachment& AppSourceProgram::Attachment::operator=(Attachment&& other) noexcept {
    if (this != &other) {
        reset();
        connect_ = std::exchange(other.connect_, nullptr);
        sendmsg_ = std::exchange(other.sendmsg_, nullptr);
    }
    return *this;
}

void AppSourceProgram::Attachment::reset() noexcept {
    // Closing a link's descriptor detaches its program (bpf(2), BPF_LINK_CREATE).
    for (bpf_link** link : {&connect_, &sendmsg_}) {
        if (*link != nullptr) {
            libbpf_api().link_destroy(*link);
            *link = nullptr;
        }
    }
}

bool AppSourceProgram::attach(int cgroup_fd, Attachment& out, std::string& error) {
    Attachment made;
    made.connect_ =
        libbpf_api().program_attach_cgroup(skeleton_->progs.app_source_connect6, cgroup_fd);
    if (made.connect_ == nullptr) {
        error = "cannot attach connect6 (" + errno_text(errno) + ")";
        return false;
    }
    made.sendmsg_ =
        libbpf_api().program_attach_cgroup(skeleton_->progs.app_source_sendmsg6, cgroup_fd);
    if (made.sendmsg_ == nullptr) {
        error = "cannot attach sendmsg6 (" + errno_text(errno) + ")";
        return false;
    }
    out = std::move(made);
    return true;
}

bool AppSourceProgram::set(std::uint64_t cgroup_id, UnitAction action, const Address& source,
                           std::string& error) {
    if (action == UnitAction::Generic) {
        erase(cgroup_id);
        return true;
    }
    app_source_entry entry{};
    entry.action = action == UnitAction::Bind ? APP_SOURCE_BIND : APP_SOURCE_BLOCK;
    if (action == UnitAction::Bind) {
        std::memcpy(entry.source, source.bytes().data(), sizeof(entry.source));
    }
    const int rc = libbpf_api().map_update_elem(skeleton_->maps.app_sources, &cgroup_id,
                                                sizeof(cgroup_id), &entry, sizeof(entry), BPF_ANY);
    if (rc != 0) {
        error = "cannot set the cgroup's entry (" + errno_text(rc) + ")";
        return false;
    }
    return true;
}

void AppSourceProgram::erase(std::uint64_t cgroup_id) {
    // ENOENT (no entry: Generic before) is what it should be.
    libbpf_api().map_delete_elem(skeleton_->maps.app_sources, &cgroup_id, sizeof(cgroup_id), 0);
}

}  // namespace multi6d::bpf

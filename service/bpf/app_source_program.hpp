// The loader of app_source.bpf.c (issue 17 item 2: units): one pair of
// cgroup programs (connect6, sendmsg6) and their map, loaded once, then
// attached to each unit cgroup through a BPF link of its own
// (bpf_program__attach_cgroup(): BPF_F_ALLOW_MULTI semantics, so it runs
// beside systemd's own cgroup programs, and the kernel detaches it when
// the link's descriptor closes, even when the daemon is killed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "address.hpp"
#include "unit_wants.hpp"

struct app_source;  // the bpftool skeleton
struct bpf_link;

namespace multi6d::bpf {

class AppSourceProgram {
  public:
    // Opens libbpf and loads the programs into the kernel; nullptr, with
    // `error` a sentence saying what refused (libbpf missing, the kernel's
    // verifier, no CAP_BPF), when it cannot.
    static std::unique_ptr<AppSourceProgram> load(std::string& error);
    ~AppSourceProgram();
    AppSourceProgram(const AppSourceProgram&) = delete;
    AppSourceProgram& operator=(const AppSourceProgram&) = delete;

    // Both programs on one cgroup; detached when destroyed.
    class Attachment {
      public:
        Attachment() = default;
        ~Attachment();
        Attachment(Attachment&& other) noexcept;
        Attachment& operator=(Attachment&& other) noexcept;
        Attachment(const Attachment&) = delete;
        Attachment& operator=(const Attachment&) = delete;

      private:
        friend class AppSourceProgram;
        void reset() noexcept;
        bpf_link* connect_ = nullptr;
        bpf_link* sendmsg_ = nullptr;
    };

    // Attaches both programs to the cgroup open as `cgroup_fd`. False, with
    // `error` set (errno's text), when the kernel refuses.
    bool attach(int cgroup_fd, Attachment& out, std::string& error);

    // What the cgroup `cgroup_id` gets: Bind and Block go into the map,
    // Generic takes the cgroup's entry out. False, with `error` set, when
    // the map refuses (full: more cgroups than APP_SOURCE_MAX_CGROUPS).
    bool set(std::uint64_t cgroup_id, UnitAction action, const Address& source, std::string& error);
    void erase(std::uint64_t cgroup_id);

  private:
    explicit AppSourceProgram(app_source* skeleton) : skeleton_(skeleton) {}
    app_source* skeleton_;
};

}  // namespace multi6d::bpf

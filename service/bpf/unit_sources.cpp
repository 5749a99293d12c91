#include "unit_sources.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "cgroup2.hpp"
#include "log.hpp"
#include "small_file.hpp"
#include "systemd_unit.hpp"

namespace multi6d::bpf {

namespace {

constexpr std::uint32_t watch_mask =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW;

std::string child_of(const std::string& directory, const std::string& name) {
    return directory.empty() ? name : directory + "/" + name;
}

bool below(const std::string& path, const std::string& directory) {
    return path == directory || (path.size() > directory.size() && path.starts_with(directory) &&
                                 path[directory.size()] == '/');
}

std::vector<std::string> subdirectories(const std::string& path) {
    std::vector<std::string> names;
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) {
        return names;  // gone since its parent was read: its IN_DELETE follows
    }
    while (const dirent* entry = readdir(dir)) {
        // cgroupfs (kernfs) fills in d_type.
        if (entry->d_type == DT_DIR && std::strcmp(entry->d_name, ".") != 0 &&
            std::strcmp(entry->d_name, "..") != 0) {
            names.emplace_back(entry->d_name);
        }
    }
    closedir(dir);
    return names;
}

}  // namespace

UnitSources::UnitSources(EventLoop& loop) : loop_(loop) {
    // A line for each mount: some hundreds of bytes each, and hosts with
    // thousands of mounts exist (containers, snaps).
    constexpr std::size_t max_mountinfo_bytes = 16 << 20;
    const auto root =
        cgroup2_mount_point(read_small_file("/proc/self/mountinfo", max_mountinfo_bytes).text);
    if (!root) {
        unavailable_ = "no cgroup2 file system is mounted (/proc/self/mountinfo)";
        return;
    }
    root_ = *root;
    std::string error;
    program_ = AppSourceProgram::load(error);
    if (!program_) {
        unavailable_ = error;
        return;
    }
    inotify_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_) {
        unavailable_ = std::string("inotify_init1: ") + std::strerror(errno);
        program_.reset();
        return;
    }
    io_ = loop_.add_io(inotify_.get(), EPOLLIN, [this](std::uint32_t) { on_inotify(); });
}

UnitSources::~UnitSources() {
    // Every link closed: the kernel detaches the programs from the units.
    for (const auto& [relative, a] : attached_) {
        log::info("unit " + a.unit + ": programs detached from cgroup /" + relative);
    }
}

std::string UnitSources::full(const std::string& relative) const {
    return relative.empty() ? root_ : root_ + "/" + relative;
}

void UnitSources::apply(const UnitWants& wants) {
    if (!program_) {
        return;
    }
    const bool same_units = std::ranges::equal(
        wants, wants_, [](const auto& a, const auto& b) { return a.first == b.first; });
    const bool first = watched_.empty();
    wants_ = wants;
    if (!same_units || first) {
        rescan();
    }
    for (auto& [relative, a] : attached_) {
        set_entry(relative, a);
    }
}

void UnitSources::rescan() {
    // Units no longer configured, and cgroups gone while events were lost.
    for (auto it = attached_.begin(); it != attached_.end();) {
        if (!wants_.contains(it->second.unit) || access(full(it->first).c_str(), F_OK) != 0) {
            program_->erase(it->second.id);
            log::info("unit " + it->second.unit + ": programs detached from cgroup /" + it->first);
            it = attached_.erase(it);
        } else {
            ++it;
        }
    }
    walk("", 0);
}

void UnitSources::walk(const std::string& relative, int depth) {
    // Watched before it is read: a unit that starts in between is an event.
    watch(relative, depth);
    for (const std::string& name : subdirectories(full(relative))) {
        found(child_of(relative, name), name, depth + 1);
    }
}

void UnitSources::watch(const std::string& relative, int depth) {
    if (watched_.contains(relative)) {
        return;
    }
    if (watched_.size() >= max_watches) {
        if (!watch_limit_logged_) {
            watch_limit_logged_ = true;
            log::warning("units: more than " + std::to_string(max_watches) +
                         " slices to watch; units starting in the others are not seen");
        }
        return;
    }
    const int wd = inotify_add_watch(inotify_.get(), full(relative).c_str(), watch_mask);
    if (wd < 0) {
        log::warning("units: cannot watch cgroup /" + relative + ": " + std::strerror(errno));
        return;
    }
    watches_[wd] = {relative, depth};
    watched_[relative] = wd;
}

void UnitSources::found(const std::string& relative, const std::string& name, int depth) {
    if (wants_.contains(name) && !attached_.contains(relative)) {
        attach(relative, name);
    }
    if (cgroup_holds_units(name) && depth < max_depth) {
        walk(relative, depth);
    }
}

void UnitSources::attach(const std::string& relative, const std::string& unit) {
    const std::string path = full(relative);
    const auto id = cgroup_id(path);
    if (!id) {
        if (errno != ENOENT) {
            log::warning("unit " + unit + ": cannot read the id of cgroup /" + relative + ": " +
                         std::strerror(errno));
        }
        return;
    }
    const UniqueFd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno != ENOENT) {
            log::warning("unit " + unit + ": cannot open cgroup /" + relative + ": " +
                         std::strerror(errno));
        }
        return;
    }
    Attached a{unit, *id, {}};
    // The entry first: the programs find it from their first run on.
    set_entry(relative, a);
    std::string error;
    if (!program_->attach(fd.get(), a.attachment, error)) {
        program_->erase(a.id);
        log::warning("unit " + unit + ": cgroup /" + relative + " not steered: " + error);
        return;
    }
    log::info("unit " + unit + ": programs attached to cgroup /" + relative + " (application " +
              wants_.at(unit).application + ")");
    attached_.emplace(relative, std::move(a));
}

void UnitSources::set_entry(const std::string& relative, Attached& a) {
    const UnitWant& want = wants_.at(a.unit);
    std::string error;
    if (!program_->set(a.id, want.action, want.source, error)) {
        log::warning("unit " + a.unit + ": cgroup /" + relative + ": " + error);
    }
}

void UnitSources::forget_below(const std::string& relative) {
    for (auto it = attached_.begin(); it != attached_.end();) {
        if (below(it->first, relative)) {
            program_->erase(it->second.id);
            log::info("unit " + it->second.unit + ": cgroup /" + it->first + " is gone");
            it = attached_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = watched_.begin(); it != watched_.end();) {
        if (below(it->first, relative)) {
            // EINVAL when the kernel removed it with the directory: fine.
            inotify_rm_watch(inotify_.get(), it->second);
            watches_.erase(it->second);
            it = watched_.erase(it);
        } else {
            ++it;
        }
    }
}

void UnitSources::on_inotify() {
    alignas(inotify_event) std::array<char, 4096> buffer{};
    bool overflow = false;
    for (;;) {
        const ssize_t n = read(inotify_.get(), buffer.data(), buffer.size());
        if (n <= 0) {
            break;  // EAGAIN: all read
        }
        for (ssize_t at = 0; at < n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
            at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if ((event->mask & IN_Q_OVERFLOW) != 0) {
                overflow = true;
                continue;
            }
            const auto w = watches_.find(event->wd);
            if (w == watches_.end()) {
                continue;
            }
            if ((event->mask & IN_IGNORED) != 0) {
                watched_.erase(w->second.first);
                watches_.erase(w);
                continue;
            }
            if ((event->mask & IN_ISDIR) == 0 || event->len == 0) {
                continue;
            }
            const auto [directory, depth] = w->second;
            const std::string name(event->name);
            const std::string child = child_of(directory, name);
            if ((event->mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
                found(child, name, depth + 1);
            } else if ((event->mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
                forget_below(child);
            }
        }
    }
    if (overflow) {
        log::notice("units: inotify queue overflowed; walking the cgroup tree again");
        rescan();
    }
}

}  // namespace multi6d::bpf

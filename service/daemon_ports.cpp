#include "daemon_ports.hpp"

#include <systemd/sd-daemon.h>

#include "build_info.hpp"
#include "bus_service.hpp"
#include "command_line.hpp"
#include "kernel_writer.hpp"
#include "linux_kernel_port.hpp"
#include "mptcpify_loader.hpp"
#include "unit_sources.hpp"

namespace multi6d {

DaemonPorts production_ports(const CommandLine& command_line) {
    DaemonPorts ports;
    ports.loop = std::make_unique<SdEventLoop>();
    ports.kernel = [runtime_dir = command_line.runtime_dir] {
        return std::make_unique<LinuxKernelPort>(runtime_dir);
    };
    ports.ra_socket = [] { return std::make_unique<NdiscSocket>(); };
    ports.netlink = [](EventLoop& loop, NetlinkHandlers handlers) {
        return std::make_unique<NetlinkWatcher>(loop, std::move(handlers));
    };
    ports.prober = [](EventLoop& loop, Prober::Callbacks callbacks, Prober::Options options) {
        return std::make_unique<Prober>(loop, std::move(callbacks), options);
    };
    ports.bus = [](EventLoop& loop, BusPort::Hooks hooks) {
        return std::make_unique<BusService>(loop, std::move(hooks), build_info::version);
    };
    ports.mptcp = [](const std::filesystem::path& record) {
        return std::make_unique<MptcpEndpoints>(record);
    };
    ports.mptcpify = [](std::string& error) { return bpf::MptcpifyLoader::open(error); };
    ports.link_managers = [] {
        return LinkManagerProbe("/", [](int ifindex) {
            KernelWriter writer;
            return !writer.kernel_ra_default_routes(ifindex).empty();
        });
    };
    ports.units = [](EventLoop& loop) { return std::make_unique<bpf::UnitSources>(loop); };
    ports.notify = [](const std::string& state) { sd_notify(0, state.c_str()); };
    return ports;
}

}  // namespace multi6d

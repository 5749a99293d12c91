#!/bin/bash
# The lab host's private mount namespace for a network manager (manager.sh).
# Run as `ip netns exec <host ns> unshare --mount --propagation private --
# bash host-mounts.sh RUNDIR`: makes the mounts, touches RUNDIR/manager/mounted
# and then holds the namespace (sleep) until `lab down` stops it. Nothing here
# propagates to the machine (private propagation).
set -euo pipefail
dir=${1:?usage: host-mounts.sh RUNDIR}
m=$dir/manager

# /run: a private tmpfs (the managers' state, /run/systemd/netif,
# /run/NetworkManager), with the lab's run dir bound back into it so logs,
# the bus socket and multi6d's runtime dir stay where the lab expects them.
exec 3<"$dir"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p "$dir"
mount --no-canonicalize --bind /proc/self/fd/3 "$dir"
exec 3<&-
mkdir -p /run/systemd/networkd.conf.d /run/lock
mount --bind "$m/networkd.conf.d" /run/systemd/networkd.conf.d

# The managers' configuration and state directories.
mount --bind "$m/etc-systemd-network" /etc/systemd/network
mount --bind "$m/etc-NetworkManager" /etc/NetworkManager
mount --bind "$m/var-lib-NetworkManager" /var/lib/NetworkManager
mount --bind "$m/var-lib-systemd" /var/lib/systemd
mount --bind "$m/resolv.conf" /etc/resolv.conf

# A fresh sysfs of this network namespace, read-only: both managers then
# treat the host as a container and do not wait for udev.
umount -l /sys 2>/dev/null || true
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys

touch "$m/mounted"
exec sleep infinity

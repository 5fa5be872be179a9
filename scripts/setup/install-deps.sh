#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs from Debian's archive, then fetch the base.
. "$(dirname "$0")/../lib.sh"

PKGS=(
	build-essential flex bison bc libelf-dev libssl-dev dwarves kmod
	cpio xz-utils zstd rsync python3 ccache sparse git git-email libmailtools-perl
	qemu-system-x86 qemu-system-arm ipxe-qemu
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
	gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu
	busybox-static pkg-config python3-ply python3-git
	linux-config-6.12
	gnuplot-nox
	mmdebstrap
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}): run $0 as root"
	step "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	logged "$CACHE/apt-update.log" apt-get update
	logged "$CACHE/apt-install.log" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# arm64 guests need an arm64 busybox. busybox-static:arm64 conflicts with the
# host's busybox-static, so unpack the .deb into the cache instead.
BB_ARM64=$CACHE/arm64/bin/busybox
if [ ! -x "$BB_ARM64" ]; then
	step "fetching busybox-static for arm64"
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		[ "$(id -u)" = 0 ] || die "arm64 is not a dpkg architecture: run $0 as root"
		dpkg --add-architecture arm64
		logged "$CACHE/apt-update.log" apt-get update
	}
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download busybox-static:arm64 >/dev/null) ||
		die "apt-get download busybox-static:arm64 failed"
	mkdir -p "$CACHE/arm64"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	install -D -m755 "$tmp/x/bin/busybox" "$BB_ARM64"
	rm -rf "$tmp"
fi

# QEMU 11.1 for the configurations that need it (configs/machines.ini); the
# others do not need it, so a failure here fails only those boots.
"$TOP/scripts/setup/install-qemu11.sh" ||
	warn "QEMU 11.1 not installed: the configurations that need it will fail"

"$TOP/scripts/setup/fetch-base.sh"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QEMU 11.1 (trixie-backports) for the configurations that need it
# (configs/machines.ini: qemu = qemu11/...). Its packages need a newer glibc
# than Debian 12's, so they go into a root of their own made by mmdebstrap,
# and a wrapper per binary runs them with that root's dynamic loader and
# libraries: no chroot, no change to the host's QEMU 7.2.
. "$(dirname "$0")/../lib.sh"

root=$QEMU11/root
wrappers=(qemu-system-x86_64 qemu-system-aarch64)

ok() {
	local w
	for w in "${wrappers[@]}"; do
		"$QEMU11/bin/$w" --version 2>/dev/null | grep -q "version 11\." || return 1
	done
}
if ok; then
	step "QEMU 11.1: $("$QEMU11/bin/qemu-system-x86_64" --version | head -n 1)"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "QEMU 11.1 is not installed in $QEMU11: run $0 as root"
need_cmd mmdebstrap
step "QEMU 11.1: making a trixie-backports root in $root (about 330 MB; log: $CACHE/qemu11.log)"
rm -rf "$QEMU11"
mkdir -p "$QEMU11/bin"
# trixie-backports' QEMU needs the SeaBIOS of trixie-backports too.
logged "$CACHE/qemu11.log" mmdebstrap --variant=apt \
	--include=qemu-system-x86,qemu-system-arm \
	--aptopt='APT::Default-Release "trixie-backports"' \
	--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	trixie "$root" \
	"deb http://deb.debian.org/debian trixie main" \
	"deb http://deb.debian.org/debian trixie-backports main"

for w in "${wrappers[@]}"; do
	cat > "$QEMU11/bin/$w" <<-EOF
	#!/bin/sh
	# QEMU 11.1 from $root (scripts/setup/install-qemu11.sh)
	r=$root
	exec "\$r/lib64/ld-linux-x86-64.so.2" \\
		--library-path "\$r/usr/lib/x86_64-linux-gnu:\$r/lib/x86_64-linux-gnu" \\
		"\$r/usr/bin/$w" -L "\$r/usr/share/qemu" -L "\$r/usr/share/seabios" \\
		-L "\$r/usr/lib/ipxe/qemu" "\$@"
	EOF
	chmod 755 "$QEMU11/bin/$w"
done
ok || die "QEMU 11.1 does not run from $root (log: $CACHE/qemu11.log)"
step "QEMU 11.1: $("$QEMU11/bin/qemu-system-x86_64" --version | head -n 1)"

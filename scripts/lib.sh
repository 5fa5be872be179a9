# SPDX-License-Identifier: GPL-2.0
# Shared by every script: paths, messages, checks. Source it, do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../base.conf
. "$TOP/base.conf"

BUILD=${BUILD:-$TOP/build}
# KERNEL_SRC= builds and boots another tree (a mainline checkout, or make
# bench's "before" worktree) with the same configs; O= puts its output
# elsewhere.
SRC=${KERNEL_SRC:-$BUILD/linux}		# the work tree (git), base + series
OUT=$(realpath -m "${O:-$BUILD/out}")			# per-arch O= directories, initramfs, boots
CACHE=${SVA_CACHE:-/var/cache/sva-series}	# survives a fresh clone
USER_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sva-series	# when $CACHE is root's
PATCHES=$TOP/patches
BASE_TAG=base
PENDING_TAG=base-pending	# a new base, while move-pin.sh --rebase moves to it
SERIES_BRANCH=series
# The shared cache is root's when root installed: another user gets its own.
if [ -z "${CCACHE_DIR:-}" ]; then
	CCACHE_DIR=$CACHE/ccache
	if [ "$(id -u)" != 0 ] && ! { mkdir -p "$CCACHE_DIR" && [ -w "$CCACHE_DIR" ]; } 2>/dev/null; then
		CCACHE_DIR=$USER_CACHE/ccache
	fi
fi
export CCACHE_DIR
# Paths relative to the build directory, so that a second clone (CI's, or
# a fresh one to check a change) hits the cache the first one filled (the
# configurations build no debug info that would name the directory).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

# Ctrl-C stops the whole job, not just the step that was running.
trap 'echo "error: interrupted" >&2; exit 130' INT TERM
# Temporary files go in one directory per script, removed when it exits,
# also after Ctrl-C or an error; scripts add their own cleanups with
# on_exit (a trap of their own would replace this one).
SVA_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sva.XXXXXX")
export TMPDIR=$SVA_TMP
exit_cmds=()
on_exit() { exit_cmds+=("$1"); }
run_exit_cmds() {
	local c
	for c in "${exit_cmds[@]}"; do
		eval "$c"
	done
	rm -rf "$SVA_TMP"
}
trap run_exit_cmds EXIT

die()  { echo "error: $*" >&2; exit 1; }
warn() { echo "warning: $*" >&2; }
# Progress, with the time since the script started (bash's SECONDS).
step() { printf '==> [%02d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

jobs() { nproc; }

# Debian cross compilers for our architectures (ppc64le: compile tests only).
cross_compile() {
	case $1 in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	ppc64le) echo "powerpc64le-linux-gnu-" ;;
	*) die "unknown architecture '$1' (x86_64, arm64 or ppc64le)" ;;
	esac
}

# The kernel's ARCH= for them.
karch() {
	case $1 in ppc64le) echo powerpc ;; *) echo "$1" ;; esac
}

kimage() {
	case $1 in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	esac
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found: run scripts/setup/install-deps.sh (as root)"
	done
}

# One job at a time per build/ (make run, check, mutants, bench): two would
# rebuild and patch the same trees under each other. Children inherit it.
lock_build() {
	[ -z "${SVA_BUILD_LOCKED:-}" ] || return 0
	mkdir -p "$BUILD"
	exec 9>"$BUILD/.lock"
	flock -n 9 || die "another make run, check, mutants or bench is using $BUILD"
	export SVA_BUILD_LOCKED=1
}

# The table of QEMU configurations (configs/machines.ini): machine names,
# machine get NAME KEY.
machine() { python3 "$TOP/scripts/vm/machine.py" "$@"; }

# QEMU 11.1 from trixie-backports, run from its own root (install-qemu11.sh)
QEMU11=$CACHE/qemu11

# The QEMU binary of configuration $1, checked.
machine_qemu() {
	local q
	q=$(machine get "$1" qemu) || return 1
	case $q in
	qemu11/*)
		q=$QEMU11/bin/${q#qemu11/}
		[ -x "$q" ] || die "$1 needs QEMU 11.1: run scripts/setup/install-qemu11.sh (as root)"
		;;
	*) need_cmd "$q" ;;
	esac
	echo "$q"
}

# The cache directory this user can write to: the shared one, else their own.
writable_cache() {
	if { mkdir -p "$CACHE" && [ -w "$CACHE" ]; } 2>/dev/null; then
		echo "$CACHE"
	else
		mkdir -p "$USER_CACHE" && echo "$USER_CACHE"
	fi
}

# apt-get / apt-cache over configs/base-sources.list only, with lists and
# downloads of their own in the cache: finds any Debian version of the base
# without changing the host's apt state (and without root).
base_apt() {
	local tool=$1 d
	shift
	d=$(writable_cache)/apt
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	touch "$d/status"
	"$tool" -o Dir::Etc::SourceList="$TOP/configs/base-sources.list" \
		-o Dir::Etc::SourceParts=- -o Dir::State="$d" -o Dir::State::Lists="$d/lists" \
		-o Dir::State::status="$d/status" -o Dir::Cache="$d" \
		-o Dir::Cache::archives="$d/archives" -o Debug::NoLocking=1 \
		-o Acquire::Languages=none -o APT::Sandbox::User="$(id -un)" "$@"
}
base_apt_get() { base_apt apt-get "$@"; }
base_apt_cache() { base_apt apt-cache "$@"; }

need_tree() {
	[ -e "$SRC/.git" ] || die "no work tree at $SRC: run scripts/series/prepare-tree.sh"
}

# make for the kernel, one architecture, its own O= directory.
kmake() {
	local arch=$1; shift
	make -C "$SRC" O="$OUT/$arch" ARCH="$(karch "$arch")" \
		CROSS_COMPILE="$(cross_compile "$arch")" \
		CC="ccache $(cross_compile "$arch")gcc" \
		HOSTCC="ccache gcc" -j"$(jobs)" "$@"
}

# A patch file's author, as the two fields "name" and "email" (one a line).
patch_author() {
	git mailinfo /dev/null /dev/null < "$1" | sed -n 's/^Author: //p; s/^Email: //p'
}

# Run a command with its output in a log; on failure show the tail.
logged() {
	local log=$1; shift
	mkdir -p "$(dirname "$log")"
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed: $* (full log: $log)"
	fi
}

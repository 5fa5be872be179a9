#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Put a linux-source tarball in the cache and print its path: the pinned
# version (default, checked against base.conf's sha256) or the one named.
# It is taken from the host's installed package when that is the same
# version, else downloaded with apt-get download from the suites of
# configs/base-sources.list and unpacked with dpkg-deb: nothing is
# installed, the host's package is never changed, and no root is needed.
# The archive drops old versions; the cache keeps ours.
# Usage: fetch-base.sh [debian-version]
. "$(dirname "$0")/../lib.sh"

ver=${1:-$BASE_VERSION}
name=$BASE_PACKAGE-$ver.tar.xz
SYSTEM_TARBALL=/usr/src/$BASE_PACKAGE.tar.xz

# Pinned: the sha256 in base.conf decides. Another version was checked by
# apt against the archive's signed index when it was downloaded.
good() {
	[ -f "$1" ] || return 1
	[ "$ver" != "$BASE_VERSION" ] ||
		echo "$BASE_SHA256  $1" | sha256sum -c --quiet - >/dev/null 2>&1
}

for dir in "$CACHE" "$USER_CACHE"; do
	good "$dir/$name" && { echo "$dir/$name"; exit 0; }
done

dest=$(writable_cache)/$name
if [ "$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null)" = "$ver" ] &&
   [ -f "$SYSTEM_TARBALL" ]; then
	step "copying the installed $BASE_PACKAGE $ver"
	cp "$SYSTEM_TARBALL" "$dest.tmp"
else
	need_cmd apt-get dpkg-deb
	tmp=$(mktemp -d)
	on_exit 'rm -rf "$tmp"'
	step "downloading $BASE_PACKAGE $ver (apt-get download)"
	if ! (cd "$tmp" && base_apt_get download "$BASE_PACKAGE=$ver") >"$tmp/log" 2>&1; then
		# Try again with fresh indexes before giving up on the archive.
		base_apt_get update >"$tmp/log" 2>&1 ||
			die "apt-get update for configs/base-sources.list failed: $(tail -n 1 "$tmp/log")"
		if ! (cd "$tmp" && base_apt_get download "$BASE_PACKAGE=$ver") >"$tmp/log" 2>&1; then
			command -v debsnap >/dev/null ||
				die "$BASE_PACKAGE $ver is not in the archive; fetch it from snapshot.debian.org (debsnap, in devscripts) or pick another: $(base_apt_cache madison "$BASE_PACKAGE" | awk '{print $3}' | sort -uV | tail -n 3 | paste -sd' ')"
			step "not in the archive: asking snapshot.debian.org (debsnap)"
			(cd "$tmp" && debsnap --binary -a all -d . "$BASE_PACKAGE" "$ver") >"$tmp/log" 2>&1 ||
				die "$BASE_PACKAGE $ver: neither the archive nor snapshot.debian.org has it ($(tail -n 1 "$tmp/log"))"
		fi
	fi
	deb=$(find "$tmp" -name "${BASE_PACKAGE}_*.deb" | head -n 1)
	[ -n "$deb" ] || die "apt-get download left no .deb for $BASE_PACKAGE $ver"
	step "unpacking $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$SYSTEM_TARBALL" >"$dest.tmp" ||
		die "$(basename "$deb") holds no $SYSTEM_TARBALL"
fi
sum=$(sha256sum "$dest.tmp" | cut -d' ' -f1)
if [ "$ver" = "$BASE_VERSION" ] && [ "$sum" != "$BASE_SHA256" ]; then
	rm -f "$dest.tmp"
	die "$BASE_PACKAGE $ver has sha256 $sum, base.conf pins $BASE_SHA256: the archive rebuilt it; check it and move the pin (scripts/series/move-pin.sh $ver)"
fi
mv "$dest.tmp" "$dest"
echo "$dest"

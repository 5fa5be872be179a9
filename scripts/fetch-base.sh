#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Put the pinned linux-source tarball in the cache, checked by its sha256.
# The archive drops old versions over time; the cache keeps ours. If the
# pinned version is neither cached nor in the archive, we stop and say how
# to move the pin (scripts/move-pin.sh checks that the series still applies).
. "$(dirname "$0")/lib.sh"

TARBALL=$CACHE/$BASE_PACKAGE-$BASE_VERSION.tar.xz
SYSTEM_TARBALL=/usr/src/$BASE_PACKAGE.tar.xz

have_pinned() {
	[ -f "$TARBALL" ] && echo "$BASE_SHA256  $TARBALL" | sha256sum -c --quiet - 2>/dev/null
}

if have_pinned; then
	echo "$TARBALL"
	exit 0
fi

installed=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
if [ "$installed" != "$BASE_VERSION" ]; then
	[ "$(id -u)" = 0 ] || die "$BASE_PACKAGE $BASE_VERSION is needed (found '${installed:-none}'): run scripts/install-deps.sh as root"
	if ! apt-cache madison "$BASE_PACKAGE" | awk '{print $3}' | grep -qxF "$BASE_VERSION"; then
		newest=$(apt-cache madison "$BASE_PACKAGE" | awk 'NR==1 {print $3}')
		die "pinned $BASE_PACKAGE $BASE_VERSION is no longer in the archive (found: ${installed:-none} installed, ${newest:-nothing} newest); move the pin with: scripts/move-pin.sh ${newest:-<version>}"
	fi
	step "installing $BASE_PACKAGE=$BASE_VERSION"
	DEBIAN_FRONTEND=noninteractive logged "$CACHE/apt-base.log" \
		apt-get install -y --no-install-recommends --allow-downgrades \
		"$BASE_PACKAGE=$BASE_VERSION"
fi

mkdir -p "$CACHE"
cp "$SYSTEM_TARBALL" "$TARBALL.tmp"
sum=$(sha256sum "$TARBALL.tmp" | cut -d' ' -f1)
if [ "$sum" != "$BASE_SHA256" ]; then
	rm -f "$TARBALL.tmp"
	die "$SYSTEM_TARBALL ($BASE_PACKAGE $BASE_VERSION) has sha256 $sum, base.conf pins $BASE_SHA256: the archive rebuilt it; check it and run scripts/move-pin.sh $BASE_VERSION"
fi
mv "$TARBALL.tmp" "$TARBALL"
echo "$TARBALL"

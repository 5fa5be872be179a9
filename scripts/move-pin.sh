#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Move the pin in base.conf to another Debian version of linux-source-6.12,
# after checking that the series still applies to it (git am, no fuzz).
# Usage: move-pin.sh <debian-version>    (as root: it installs the package)
. "$(dirname "$0")/lib.sh"

new=${1:?usage: move-pin.sh <debian-version> (see: apt-cache madison $BASE_PACKAGE)}
[ "$(id -u)" = 0 ] || die "move-pin.sh installs $BASE_PACKAGE=$new: run it as root"
apt-cache madison "$BASE_PACKAGE" | awk '{print $3}' | grep -qxF "$new" ||
	die "$BASE_PACKAGE $new is not in the archive (apt-cache madison $BASE_PACKAGE)"

step "installing $BASE_PACKAGE=$new"
DEBIAN_FRONTEND=noninteractive logged "$CACHE/apt-base.log" \
	apt-get install -y --no-install-recommends --allow-downgrades "$BASE_PACKAGE=$new"
sum=$(sha256sum "/usr/src/$BASE_PACKAGE.tar.xz" | cut -d' ' -f1)

# Check in a scratch work tree, so build/linux is left alone.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$TOP/base.conf" "$scratch/base.conf.old"
sed -i -e "s/^BASE_VERSION=.*/BASE_VERSION=$new/" -e "s/^BASE_SHA256=.*/BASE_SHA256=$sum/" "$TOP/base.conf"
if ! BUILD=$scratch "$TOP/scripts/prepare-tree.sh"; then
	cp "$scratch/base.conf.old" "$TOP/base.conf"
	die "the series does not apply to $BASE_PACKAGE $new: pin left at $BASE_VERSION"
fi
step "base.conf now pins $BASE_PACKAGE $new (sha256 $sum); commit it, and rerun make prepare"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Submission checks on patches/: checkpatch --strict on every patch.
# Prints "PASS|FAIL series: ..." lines like check-results.py.
. "$(dirname "$0")/../lib.sh"

need_tree
rc=0
for p in "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || continue
	name=$(basename "$p")
	[ "$name" = 0000-cover-letter.patch ] && continue
	# checkpatch runs spdxcheck.py with the python3 on PATH: use Debian's,
	# which has python3-ply. The base is a tarball without upstream
	# history, so the upstream ids the messages cite cannot be looked up
	# here (UNKNOWN_COMMIT_ID); their format is still checked.
	if out=$(PATH=/usr/bin:$PATH "$SRC/scripts/checkpatch.pl" --strict --quiet --root="$SRC" \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$p" 2>&1); then
		echo "PASS series: checkpatch --strict $name"
	else
		echo "FAIL series: checkpatch --strict $name ($(echo "$out" | grep -E '^(ERROR|WARNING|CHECK)' | head -n 3 | tr '\n' ' '))"
		rc=1
	fi
	{ read -r aname; read -r aemail; } < <(patch_author "$p")
	author="$aname <$aemail>"
	if grep -qxF "Signed-off-by: $author" "$p"; then
		echo "PASS series: Signed-off-by matches author $name"
	else
		echo "FAIL series: Signed-off-by matches author $name (no Signed-off-by: $author)"
		rc=1
	fi
done
exit $rc

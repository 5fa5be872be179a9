#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mail patches/ with git send-email, recipients from get_maintainer.pl.
# A dry run unless SEND=1: prints every message's recipients and subject.
# The sender's own Signed-off-by (their git identity) is added to every
# patch: the project's role address, which signs the patches here, is not
# a person and cannot certify the DCO. A patch that no person signed off
# is refused.
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"

ROLE_EMAIL=maintainers@users.noreply.h-seed-82b2fa8f.example

# Patches in directory $1 whose every Signed-off-by is the role address.
unsigned_patches() {
	local p
	for p in "$1"/[0-9][0-9][0-9][0-9]-*.patch; do
		case $(basename "$p") in 0000-cover-letter.patch) continue ;; esac
		sed -n '1,/^---$/p' "$p" | grep '^Signed-off-by:' | grep -qvF "<$ROLE_EMAIL>" ||
			basename "$p"
	done
}

need_tree
[ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email not found: run scripts/install-deps.sh (package git-email)"
mapfile -t series < <(find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
[ ${#series[@]} -gt 0 ] || die "patches/ is empty: nothing to send"

# One set of recipients for the whole series, cover letter included: what
# get_maintainer.pl says for all the patches together.
patches_only=("${series[@]}")
[ "$(basename "${series[0]}")" = 0000-cover-letter.patch ] && patches_only=("${series[@]:1}")
gm() { (cd "$SRC" && scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats "$@" "${patches_only[@]}"); }
to=$(gm --nol | paste -sd, -)
cc=$(gm --nom | paste -sd, -)
[ -n "$to" ] || die "get_maintainer.pl found no maintainer for the series"
step "To: $to"
step "Cc: $cc"

dry=(--dry-run)
from=()
[ "${SEND:-0}" != 1 ] || dry=()
if git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
	# The sender signs off: the series again from the work tree, which
	# must hold exactly patches/, with their Signed-off-by added.
	check_tree_saved
	signed=$(mktemp -d)
	trap 'rm -rf "$signed"' EXIT
	format_series "$signed" --signoff
	mapfile -t series < <(find "$signed" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
	mapfile -t bad < <(unsigned_patches "$signed")
	[ ${#bad[@]} = 0 ] ||
		die "no person signs off ${#bad[@]} patches (${bad[0]}, ...): is your git identity the role address $ROLE_EMAIL?"
	step "Signed-off-by: $(git var GIT_COMMITTER_IDENT | sed 's/>.*/>/') added to every patch"
elif [ "${SEND:-0}" = 1 ]; then
	die "no git identity to send as (and to sign off with): git config --global user.name/user.email first"
else
	# A dry run needs a sender too (send-email asks git var for the
	# committer as well): the first patch's author will do.
	{ read -r GIT_AUTHOR_NAME; read -r GIT_AUTHOR_EMAIL; } < <(patch_author "${patches_only[0]}")
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	from=(--from="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>")
	warn "no git identity: a real send (SEND=1) adds your Signed-off-by to $(unsigned_patches "$PATCHES" | wc -l) patches that only the role address signs"
fi
cd "$SRC" && git send-email "${dry[@]}" "${from[@]}" --confirm=never --suppress-cc=self \
	--to="$to" --cc="$cc" "${series[@]}"

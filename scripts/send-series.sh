#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mail patches/ with git send-email, recipients from get_maintainer.pl.
# A dry run unless SEND=1: prints every message's recipients and subject.
. "$(dirname "$0")/lib.sh"

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
if [ "${SEND:-0}" = 1 ]; then
	dry=()
	git var GIT_AUTHOR_IDENT >/dev/null 2>&1 ||
		die "no git identity to send as: git config --global user.name/user.email first"
elif ! git var GIT_AUTHOR_IDENT >/dev/null 2>&1; then
	# A dry run needs a sender too (send-email asks git var for the
	# committer as well): the first patch's author will do.
	{ read -r GIT_AUTHOR_NAME; read -r GIT_AUTHOR_EMAIL; } < <(patch_author "${patches_only[0]}")
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	from=(--from="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>")
fi
cd "$SRC" && git send-email "${dry[@]}" "${from[@]}" --confirm=never --suppress-cc=self \
	--to="$to" --cc="$cc" "${series[@]}"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mail the series with git send-email: a dry run unless SEND=1, which asks
# before it sends. The messages are formatted again from build/linux, which
# must hold exactly patches/:
#   AUDIENCE=upstream|stable|debian  recipients and subject prefix, from
#                                    configs/audiences.tbl (upstream)
#   PREFIX="RFC PATCH"               another subject prefix
#   REROLL=N                         version N ([PATCH vN ...]); with a
#                                    range-diff against PREV, by default
#                                    the tag sent/v<N-1> a real send of
#                                    version N-1 left in build/linux
#   REFLECT=1                        to the sender only, to check the mail
# The sender's own Signed-off-by (their git identity) is added to every
# patch: the project's role address, which signs the patches here, is not
# a person and cannot certify the DCO. A patch that no person signed off
# is refused.
. "$(dirname "$0")/../lib.sh"
. "$TOP/scripts/series/series-lib.sh"

ROLE_EMAIL=maintainers@users.noreply.h-seed-82b2fa8f.example

# Patches in directory $1 whose every Signed-off-by is the role address.
unsigned_patches() {
	local p
	for p in "$1"/*.patch; do
		case $(basename "$p") in *0000-cover-letter.patch) continue ;; esac
		sed -n '1,/^---$/p' "$p" | grep '^Signed-off-by:' | grep -qvF "<$ROLE_EMAIL>" ||
			basename "$p"
	done
}

need_tree
[ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email not found: run scripts/setup/install-deps.sh (package git-email)"
check_tree_saved
[ -n "$(series_git rev-list "$BASE_TAG..$SERIES_BRANCH")" ] || die "the series is empty: nothing to send"

audience=${AUDIENCE:-upstream}
row=$(grep -v '^#' "$TOP/configs/audiences.tbl" | grep -m1 "^$audience | ") ||
	die "no audience '$audience' in configs/audiences.tbl (one of: $(grep -v '^#' "$TOP/configs/audiences.tbl" | cut -d' ' -f1 | paste -sd' '))"
field() { awk -F ' [|] ' -v n="$1" '{print $n}' <<<"$row"; }
prefix=${PREFIX:-$(field 2)}
to_spec=$(field 3)
cc_spec=$(field 4)
label=$prefix
opts=(--subject-prefix="$prefix")
reroll=${REROLL:-1}
[[ $reroll =~ ^[1-9][0-9]*$ ]] || die "REROLL must be a version number, not '$reroll'"
if [ "$reroll" -gt 1 ]; then
	opts+=(-v "$reroll")
	label+=" v$reroll"
	prev=${PREV:-sent/v$((reroll - 1))}
	if series_git rev-parse -q --verify "$prev^{commit}" >/dev/null; then
		# From the previous version's own base (the tarball commit it
		# grew from, perhaps another Debian version than today's).
		opts+=(--range-diff="$(series_git rev-list --max-parents=0 "$prev")..$prev")
		step "v$reroll: the cover letter carries a range-diff against $prev"
	else
		warn "v$reroll without a range-diff: no '$prev' in $SRC (PREV=<previous tip> names one)"
	fi
fi

# The series' patches, as git send-email will mail them.
msgs=$(mktemp -d)
on_exit 'rm -rf "$msgs"'
if git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
	format_series "$msgs" "${opts[@]}" --signoff
	mapfile -t bad < <(unsigned_patches "$msgs")
	[ ${#bad[@]} = 0 ] ||
		die "no person signs off ${#bad[@]} patches (${bad[0]}, ...): is your git identity the role address $ROLE_EMAIL?"
	sender=$(git var GIT_COMMITTER_IDENT | sed 's/>.*/>/')
	step "Signed-off-by: $sender added to every patch"
	from=()
else
	[ "${SEND:-0}" != 1 ] ||
		die "no git identity to send as (and to sign off with): git config --global user.name/user.email first"
	format_series "$msgs" "${opts[@]}"
	# A dry run needs a sender too (send-email asks git var for the
	# committer as well): the first patch's author will do.
	{ read -r GIT_AUTHOR_NAME; read -r GIT_AUTHOR_EMAIL; } < <(patch_author "$(find "$msgs" -name '*0001-*.patch')")
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	sender="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
	from=(--from="$sender")
	warn "no git identity: a real send (SEND=1) adds your Signed-off-by to $(unsigned_patches "$msgs" | wc -l) patches that only the role address signs"
fi
mapfile -t series < <(find "$msgs" -maxdepth 1 -name '*.patch' | sort)
if [[ " ${opts[*]} " = *" --range-diff="* ]]; then
	# What the range-diff says, pair by pair: = same, ! changed, > new, < dropped
	step "range-diff against $prev: $(sed -n '/^Range-diff against/,/^-- *$/p' "${series[0]}" |
		awk '$3 ~ /^[=!<>]$/ {n[$3]++} END {printf "%d unchanged, %d changed, %d new, %d dropped",
			n["="], n["!"], n[">"], n["<"]}')"
fi

# Recipients: the audience's, for the whole series, cover letter included.
# --nofixes: the base is a tarball with no history for Fixes: to look up.
mapfile -t patches_only < <(printf '%s\n' "${series[@]}" | grep -v 0000-cover-letter)
gm() {
	(cd "$SRC" && scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats --nofixes \
		"$@" "${patches_only[@]}")
}
recipients() {
	local w
	for w in $1; do
		case $w in
		maintainers) gm --nol ;;
		lists) gm --nom ;;
		-) ;;
		*) echo "$w" ;;
		esac
	done | paste -sd, -
}
to=$(recipients "$to_spec")
cc=$(recipients "$cc_spec")
[ -n "$to" ] || die "no To: recipient for audience '$audience'"
[ "${REFLECT:-0}" != 1 ] || { to=$sender cc=""; step "reflect: to $sender only"; }
step "${#series[@]} messages, [$label]"
step "To: $to"
step "Cc: ${cc:-nobody}"

dry=(--dry-run)
if [ "${SEND:-0}" = 1 ]; then
	[ -t 0 ] || die "SEND=1 asks before sending, and there is no terminal to ask on"
	read -r -p "Send ${#series[@]} messages to the recipients above? [y/N] " answer
	[ "$answer" = y ] || [ "$answer" = yes ] || die "not sent"
	dry=()
fi
(cd "$SRC" && git send-email "${dry[@]}" "${from[@]}" --confirm=never --suppress-cc=self \
	--to="$to" ${cc:+--cc="$cc"} "${series[@]}")
if [ ${#dry[@]} = 0 ] && [ "${REFLECT:-0}" != 1 ]; then
	# The next version's range-diff starts from what was sent.
	series_git tag -f "sent/v$reroll" "$SERIES_BRANCH" >/dev/null
	step "tagged the sent series sent/v$reroll in $SRC"
fi

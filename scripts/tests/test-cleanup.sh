#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A script stopped by a signal (Ctrl-C, or a CI timeout's SIGTERM) leaves
# no temporary files behind: lib.sh's per-script directory and the
# on_exit cleanups both run. Usage: test-cleanup.sh
. "$(dirname "$0")/../lib.sh"

job=$TMPDIR/job.sh
marker=$TMPDIR/marker
cat >"$job" <<JOB
. "$TOP/scripts/lib.sh"
mktemp >/dev/null
keep=\$(mktemp -d /tmp/sva-test-cleanup.XXXXXX)
on_exit 'rm -rf "\$keep"'
echo "\$TMPDIR \$keep" >"$marker"
sleep 60
JOB
# Its own process group, signalled as a whole, as Ctrl-C or a CI timeout does
setsid bash "$job" 2>/dev/null &
pid=$!
for _ in $(seq 50); do
	[ -s "$marker" ] && break
	sleep 0.1
done
read -r dir keep <"$marker" || { echo "FAIL harness: cleanup: the job did not start"; exit 1; }
kill -TERM -- "-$pid"
rc=0
wait "$pid" || rc=$?
if [ "$rc" = 130 ] && [ -n "$dir" ] && [ ! -e "$dir" ] && [ ! -e "$keep" ]; then
	echo "PASS harness: cleanup: a job stopped by SIGTERM removes its temporary files"
else
	echo "FAIL harness: cleanup: rc $rc, left: $(ls -d "$dir" "$keep" 2>/dev/null | paste -sd' ')"
	exit 1
fi

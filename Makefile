# SPDX-License-Identifier: GPL-2.0
# Entry points; each target is one script in scripts/.
.PHONY: help run check prepare export deps kernel-x86_64 kernel-arm64 \
	initramfs-x86_64 initramfs-arm64 series-check bisect send \
	mutants test-harness bench qemu11 shell

help:			## this list
	@grep -E '^[a-z0-9 %-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 24

run:			## main job: install, prepare, build, boot intel-iommu, show
	scripts/run.sh
check:			## every test; ends with "N passed, N failed"
	scripts/run-tests.sh
deps:
	scripts/setup/install-deps.sh
qemu11:			## QEMU 11.1 from trixie-backports, for intel-fsts and smmuv3-strict (as root)
	scripts/setup/install-qemu11.sh
prepare:		## build/linux = base + patches/ (refuses to lose work)
	scripts/series/prepare-tree.sh
export:			## build/linux commits -> patches/
	scripts/series/export-series.sh
series-check:
	scripts/checks/check-series.sh
send:			## git send-email patches/ (dry run unless SEND=1)
	scripts/series/send-series.sh
bisect:			## every patch builds alone, no new W=1/sparse warning
	scripts/checks/check-bisect.sh
bench:			## the series against 6.12's core mm: bench/intel.md and .svg (about 35 min)
	scripts/bench/bench.sh
mutants:		## every mutant of mutants/mutants.tbl turns the intel boot red
	scripts/checks/mutants.sh
test-harness:		## the judge and the bench table over recorded runs, a user without a git identity
	python3 scripts/tests/test-judge.py build/linux
	scripts/tests/test-no-identity.sh
	python3 scripts/tests/test-bench-table.py
	python3 scripts/tests/test-summary.py
	python3 scripts/tests/test-machines.py
	scripts/tests/test-cleanup.sh
kernel-x86_64 kernel-arm64: kernel-%:
	scripts/build/build-kernel.sh $* headers
initramfs-x86_64 initramfs-arm64: initramfs-%:
	scripts/build/build-initramfs.sh $*
kunit-%:		## one driver's KUnit suites by kunit.py, no test guest: kunit-intel, kunit-amd, kunit-smmuv3
	scripts/checks/kunit.sh $*
shell:			## a shell in a guest instead of the tests: make shell CFG=intel (Ctrl-A X quits)
	SVA_SHELL=1 scripts/vm/boot.sh $(or $(CFG),intel)
boot-%:			## boot one configs/machines.ini configuration: boot-intel, boot-intel-fsts... (TESTS=iommu:iommufd_sva: one program)
	scripts/vm/boot.sh $*
	python3 scripts/checks/check-results.py build/out/boot-$* $* build/linux

#!/usr/bin/env bash
# Usage: run-aarch64.sh [-i IMAGE_DIR] [-a DIR]... [-t SECONDS] [-l LOG]
#                       [-k KERNEL] PAYLOAD
#
# Boot the aarch64 system image (scripts/image-aarch64.sh) under
# qemu-system-aarch64 with virtualisation on (so /dev/kvm exists inside),
# run PAYLOAD (a path inside L1, e.g. /payload/run.sh) as its /init's
# payload, and exit with the payload's exit status.
#   -i DIR   the image (default build-aarch64): DIR/Image and DIR/l1.cpio
#   -a DIR   pack DIR's tree as one more cpio appended to l1.cpio (Linux
#            unpacks concatenated archives in order): how a test adds files
#   -t SECS  hard timeout for the whole boot (default 90): exit 124
#   -l LOG   the console log (default: a temporary file, removed)
#   -k FILE  boot this kernel Image instead of DIR/Image
# The console goes to LOG; the payload's exit status comes back through the
# line SDVF-PAYLOAD-EXIT=N that /init prints before powering off (no line:
# exit 125).  Prints "run-aarch64: boot Xs, L1 userspace at Ys" to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=build-aarch64
kernel=
limit=90
log=
adds=()
while getopts "i:a:t:l:k:" o; do
	case $o in
	i) image=$OPTARG ;;
	a) adds+=("$OPTARG") ;;
	t) limit=$OPTARG ;;
	l) log=$OPTARG ;;
	k) kernel=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
	echo "usage: $0 [-i IMAGE_DIR] [-a DIR]... [-t SECONDS] [-l LOG] [-k KERNEL] PAYLOAD" >&2
	exit 2
fi
payload=$1
kernel=${kernel:-$image/Image}
for f in "$kernel" "$image/l1.cpio"; do
	if [ ! -f "$f" ]; then
		echo "run-aarch64: $f missing (make image-aarch64)" >&2
		exit 2
	fi
done
if ! command -v qemu-system-aarch64 >/dev/null; then
	echo "run-aarch64: qemu-system-aarch64 missing (make deps-aarch64)" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$log" ] || log=$work/console.log
cp "$image/l1.cpio" "$work/initrd.cpio"
n=0
for d in "${adds[@]}"; do
	n=$((n + 1))
	python3 "$here/mkcpio.py" "$d" "$work/add$n.cpio"
	cat "$work/add$n.cpio" >>"$work/initrd.cpio"
done

start=$(date +%s.%N)
set +e
timeout -k 5 "$limit" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 -cpu max,pauth=off \
	-smp 2 -m 2G -nographic -no-reboot -monitor none -serial stdio -nic none \
	-kernel "$kernel" -initrd "$work/initrd.cpio" \
	-append "console=ttyAMA0 loglevel=4 rdinit=/init sdvf.run=$payload" \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
end=$(date +%s.%N)
l1_up=$(sed -n 's/.*SDVF-L1-UP uptime=\([0-9.]*\).*/\1/p' "$log" | head -n 1)
echo "run-aarch64: boot $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')s," \
	"L1 userspace at ${l1_up:-?}s (kernel uptime)" >&2
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "run-aarch64: timed out after ${limit}s; console tail:" >&2
	tail -n 20 "$log" >&2
	exit 124
fi
rc=$(sed -n 's/.*SDVF-PAYLOAD-EXIT=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -z "$rc" ]; then
	echo "run-aarch64: no SDVF-PAYLOAD-EXIT line (qemu exit $qrc); console tail:" >&2
	tail -n 20 "$log" >&2
	exit 125
fi
exit "$rc"

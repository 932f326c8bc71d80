#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the container image from the Dockerfile without a Docker engine
# and runs capsim's main job in it:
#   tools/check-image.sh [--tag IMAGE] [--aps N] [--duration D] [--clean]
# podman builds the Dockerfile (chroot isolation: no daemon, no cgroup
# controllers needed); its Debian 12 base is made here with debootstrap
# and imported under the names the Dockerfile uses (debian:12,
# debian:12-slim), so no container registry is needed — only Debian's
# package mirror, which the build's apt-get uses too.  Then the image runs
# `capsim run --aps N --duration D` as the image's user: with `podman run`
# where this host can run containers, otherwise from the image's exported
# file system under chroot with the image's USER (hosts whose kernel or
# limits refuse an OCI runtime — seen here: "cgroups in hybrid mode not
# supported", "setrlimit RLIMIT_NPROC: Operation not permitted").
# Exit status: 0 when the image builds and every AP reaches Run, 1 when a
# step fails, 2 usage.  Needs root.  Not part of tools/test.sh (a build
# from scratch takes 10-20 minutes); run by hand after changing the
# Dockerfile or the build.
set -euo pipefail
usage() { sed -n '3,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
tag=localhost/capsim:check aps=10 duration=30s clean=false
while [ $# -gt 0 ]; do
	case $1 in
	--tag) tag=$2; shift 2 ;;
	--aps) aps=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--clean) clean=true; shift ;;
	*) usage ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh" image

work=$(mktemp -d /tmp/capsim-image.XXXXXX)
rootfs=$work/rootfs
mounted=()
cleanup() {
	for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

base=localhost/capsim-base:debian12
if ! podman image exists "$base"; then
	echo "check-image: making the Debian 12 base with debootstrap" >&2
	debootstrap --variant=minbase bookworm "$work/base" \
		http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
		tail -20 "$work/debootstrap.log" >&2
		echo "check-image: debootstrap failed" >&2
		exit 1
	}
	tar -C "$work/base" -c . | podman import - "$base" >/dev/null
	rm -rf "$work/base"
fi
podman tag "$base" docker.io/library/debian:12 docker.io/library/debian:12-slim

echo "check-image: podman build -t $tag" >&2
src=$work/src
mkdir "$src"
git -C "$root" ls-files -z | tar -C "$root" --null -T - -c | tar -C "$src" -x
if ! podman build --isolation=chroot --network host --pull=never \
	-t "$tag" "$src" >"$work/build.log" 2>&1; then
	tail -30 "$work/build.log" >&2
	echo "check-image: the Dockerfile did not build" >&2
	exit 1
fi
user=$(podman image inspect --format '{{.Config.User}}' "$tag")
case $user in
"" | 0 | 0:* | root | root:*)
	echo "check-image: the image runs as root ('$user')" >&2
	exit 1
	;;
esac
echo "check-image: built $tag ($(podman image inspect --format '{{.Size}}' "$tag") bytes), user $user" >&2

out=$work/run.out
job=(run --aps "$aps" --duration "$duration")
if podman run --rm --network host "$tag" --version >/dev/null 2>&1; then
	how="podman run"
	podman run --rm --network host "$tag" "${job[@]}" >"$out" 2>&1 || true
else
	how="chroot (this host cannot start an OCI container)"
	mkdir "$rootfs"
	cid=$(podman create "$tag")
	podman export "$cid" | tar -C "$rootfs" -x
	podman rm "$cid" >/dev/null
	mount -t proc proc "$rootfs/proc" && mounted+=("$rootfs/proc")
	mount --bind /dev "$rootfs/dev" && mounted+=("$rootfs/dev")
	home=$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$tag" |
		sed -n 's/^HOME=//p')
	chroot --userspec="$user" "$rootfs" env HOME="${home:-/tmp}" \
		sh -c 'cd "$HOME" && exec capsim "$@"' capsim "${job[@]}" >"$out" 2>&1 || true
fi
cat "$out"
if grep -q "$aps of $aps APs joined and in Run" "$out"; then
	echo "check-image: ok — $aps of $aps APs in Run inside the image, via $how" >&2
else
	echo "check-image: the main job did not bring every AP to Run inside the image (via $how)" >&2
	exit 1
fi
if $clean; then podman rmi "$tag" >/dev/null; fi

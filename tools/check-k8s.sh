#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Offline check of deploy/kubernetes: the Job template rendered for a few
# shard counts, both network modes and both volume modes is validated
# against the Kubernetes API schemas (tools/k8s-validate: the npm package
# kubernetes-models bundles them, no cluster needed).  Installs the
# validator's pinned npm packages on first use (npm ci).
# Exit 0 valid, 1 invalid, 77 no node/npm to check with.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
v=$src/tools/k8s-validate
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "check-k8s: no node/npm (tools/deps.sh test installs them)" >&2
	exit 77
fi
# the validator's packages go to a cache outside the source tree (the
# tree stays clean); they are installed again when the lock file changes
cache=${CAPSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/capsim}/k8s-validate
mkdir -p "$cache"
# one check at a time per cache: two copies of the suite on one host would
# otherwise run npm ci into the same directory, or one would run
# validate.js while the other rewrites it (held until this script exits)
exec 9>"$cache.lock"
flock 9
if [ ! -d "$cache/node_modules/kubernetes-models" ] ||
	! cmp -s "$v/package-lock.json" "$cache/package-lock.json"; then
	cp "$v/package.json" "$v/package-lock.json" "$cache/"
	(cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >&2) || {
		echo "check-k8s: cannot install the validator (npm ci in $cache)" >&2
		exit 77
	}
fi
cp "$v/validate.js" "$cache/validate.js"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
for n in 1 4 64; do
	for hn in true false; do
		for am in ReadWriteMany ReadWriteOnce; do
			f=$tmp/job-$n-$hn-$am.yaml
			"$src/deploy/kubernetes/render.sh" capsim-check "$n" \
				capsim:test 192.0.2.10:5246 2026-12-07T16:00:00Z \
				"$hn" "$am" >"$f"
			files+=("$f")
		done
	done
done
node "$cache/validate.js" "${files[@]}"
# the rendered Job says what the issue asks of it
python3 - "$tmp/job-4-true-ReadWriteMany.yaml" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
for want in (r"completionMode: Indexed", r"completions: 4\b",
             r"parallelism: 4\b", r"hostNetwork: true", r"drop: \[ALL\]",
             r"runAsNonRoot: true", r"backoffLimit: 0",
             r"/reports/shard-\$\(JOB_COMPLETION_INDEX\)\.json"):
    if not re.search(want, t):
        sys.exit(f"check-k8s: rendered Job lacks {want}")
if re.search(r"add:\s*\[", t) or "privileged: true" in t:
    sys.exit("check-k8s: the Job asks for capabilities or privilege")
PY
# a bad value is refused by the renderer, not passed to kubectl
if "$src/deploy/kubernetes/render.sh" 'x;y' 4 capsim:test 192.0.2.10 \
	2026-12-07T16:00:00Z >/dev/null 2>&1; then
	echo "check-k8s: render.sh took a bad job name" >&2
	exit 1
fi

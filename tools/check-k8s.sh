#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Offline check of deploy/kubernetes: the Job template rendered for a few
# shard counts, the three network modes (node, pod, Multus site
# attachment) and both volume modes is validated
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
# the Multus variant: a branch site's subnet on a macvlan attachment
for n in 1 4; do
	f=$tmp/job-$n-site.yaml
	"$src/deploy/kubernetes/render.sh" capsim-check "$n" capsim:test \
		192.0.2.10:5246 2026-12-07T16:00:00Z site ReadWriteOnce eth1 \
		198.18.4.10 40 198.18.4.1 >"$f"
	files+=("$f")
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
# the site variant: the attachment, the pod's annotation, NET_ADMIN for
# the init container alone, and the addresses it makes local are exactly
# the shard's slice of the run (capsim run --shard: base + global index)
NODE_PATH=$cache/node_modules node - "$tmp/job-4-site.yaml" "$tmp" <<'JS'
const fs = require("fs"), YAML = require("yaml");
const { execFileSync } = require("child_process");
const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], "utf8"))
  .map((d) => d.toJS());
const die = (m) => { console.error(`check-k8s: site variant: ${m}`); process.exit(1); };
const nad = docs.find((d) => d.kind === "NetworkAttachmentDefinition");
if (!nad || nad.metadata.name !== "capsim-check-site") die("no attachment");
const cni = JSON.parse(nad.spec.config);
if (cni.type !== "macvlan" || cni.master !== "eth1") die(`CNI ${nad.spec.config}`);
const job = docs.find((d) => d.kind === "Job");
const tpl = job.spec.template;
if (tpl.metadata.annotations["k8s.v1.cni.cncf.io/networks"] !== "capsim-check-site")
  die("the pods do not ask for the attachment");
if (tpl.spec.hostNetwork !== false) die("hostNetwork with a site attachment");
const [init] = tpl.spec.initContainers;
const main = tpl.spec.containers[0];
if (JSON.stringify(init.securityContext.capabilities) !==
    JSON.stringify({ drop: ["ALL"], add: ["NET_ADMIN"] }))
  die("the init container asks for more than NET_ADMIN");
if (main.securityContext.capabilities.add || !main.securityContext.readOnlyRootFilesystem)
  die("the capsim container got a capability");
const args = main.args.join(" ");
if (!args.includes("--aps 40 --ap-base-ip 198.18.4.10")) die(`capsim args: ${args}`);
// the init script under sh, with `ip` recording what it was asked
const bin = `${process.argv[3]}/bin`;
fs.mkdirSync(bin, { recursive: true });
fs.writeFileSync(`${bin}/ip`, '#!/bin/sh\necho "ip $*"\n[ "$1" != -batch ] || cat\n', { mode: 0o755 });
for (const [i, first] of [[0, 0], [1, 10], [3, 30]]) {
  const out = execFileSync("/bin/sh", ["-ec", init.command[2]], {
    env: { PATH: `${bin}:/usr/bin:/bin`, JOB_COMPLETION_INDEX: String(i) },
  }).toString().trim().split("\n");
  const want = ["ip -batch -"];
  for (let k = 0; k < 10; k++)
    want.push(`route add local 198.18.4.${10 + first + k}/32 dev net1 table local`);
  want.push("ip route replace 192.0.2.10/32 via 198.18.4.1 dev net1");
  if (JSON.stringify(out) !== JSON.stringify(want))
    die(`shard ${i}/4 makes ${JSON.stringify(out)} local, want ${JSON.stringify(want)}`);
}
JS
if "$src/deploy/kubernetes/render.sh" capsim-check 4 capsim:test 192.0.2.10 \
	2026-12-07T16:00:00Z site ReadWriteOnce eth1 198.18.4.10 >/dev/null 2>&1; then
	echo "check-k8s: render.sh took a site without its APs" >&2
	exit 1
fi
# a bad value is refused by the renderer, not passed to kubectl
if "$src/deploy/kubernetes/render.sh" 'x;y' 4 capsim:test 192.0.2.10 \
	2026-12-07T16:00:00Z >/dev/null 2>&1; then
	echo "check-k8s: render.sh took a bad job name" >&2
	exit 1
fi

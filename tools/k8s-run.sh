#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One capsim run over N Kubernetes pods, merged into one report:
#   tools/k8s-run.sh SCENARIO.yaml N [--wlc ADDR[:PORT]] [--image IMG]
#       [--name JOB] [--lead SECONDS] [--no-host-network] [--rwo]
#       [--pki DIR] [--out DIR]
# Renders deploy/kubernetes/shards-job.yaml.in (an Indexed Job of N pods,
# each one shard, all starting at now + lead seconds), creates the
# scenario ConfigMap and the lab-CA Secret, applies it, waits for the Job,
# copies the shards' reports out with kubectl cp (through the collector
# pod that holds the report volume), and runs `capsim merge`; the merged
# run.json, run.xml and run.html land in OUT (default ./JOB-reports).
# Exit status: capsim merge's (0 pass, 3 fail, 6 incomplete, ...), 1 when
# kubectl fails, 2 usage.
set -euo pipefail
usage() { sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
scn=$1 n=$2
shift 2
wlc= image=${CAPSIM_IMAGE:-capsim:latest} job=capsim-run lead=60
hostnet=true access=ReadWriteMany pki=${CAPSIM_PKI:-$HOME/.local/share/capsim/pki}
out=
while [ $# -gt 0 ]; do
	case $1 in
	--wlc) wlc=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--name) job=$2; shift 2 ;;
	--lead) lead=$2; shift 2 ;;
	--no-host-network) hostnet=false; shift ;;
	--rwo) access=ReadWriteOnce; shift ;;
	--pki) pki=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) usage ;;
	esac
done
out=${out:-./$job-reports}
here=$(cd "$(dirname "$0")/.." && pwd)
capsim=${CAPSIM:-capsim}
[ -r "$scn" ] || { echo "k8s-run: cannot read $scn" >&2; exit 2; }
[ -r "$pki/ca.pem" ] && [ -r "$pki/ca-key.pem" ] || {
	echo "k8s-run: no lab CA in $pki (capsim certs init, or --pki DIR)" >&2
	exit 2
}
if [ -z "$wlc" ]; then
	echo "k8s-run: give --wlc ADDR: every shard joins the same controller" >&2
	exit 2
fi
[[ $lead =~ ^[0-9]+$ ]] || usage
# the scenario and options must be valid before any pod starts
"$capsim" run "$scn" --wlc "$wlc" --shards "$n" --shard "0/$n" --check >/dev/null
start_at=$(date -u -d "+$lead sec" +%FT%TZ)
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
"$here/deploy/kubernetes/render.sh" "$job" "$n" "$image" "$wlc" "$start_at" \
	"$hostnet" "$access" >"$manifest"

kubectl create configmap "$job-scenario" --from-file=scenario.yaml="$scn" \
	--dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic "$job-pki" --from-file=ca.pem="$pki/ca.pem" \
	--from-file=ca-key.pem="$pki/ca-key.pem" --dry-run=client -o yaml |
	kubectl apply -f -
kubectl apply -f "$manifest"
echo "k8s-run: $n shards of $scn start at $start_at" >&2
# the run's own length plus start-up and the lead: generous
kubectl wait --for=condition=complete --timeout=24h "job/$job" &
ok=$!
kubectl wait --for=condition=failed --timeout=24h "job/$job" &
failed=$!
wait -n "$ok" "$failed" || true
kill "$ok" "$failed" 2>/dev/null || true
kubectl wait --for=condition=Ready --timeout=10m "pod/$job-collect"
mkdir -p "$out"
files=()
for ((i = 0; i < n; i++)); do
	# a shard without a report is still named: merge says which
	kubectl cp "$job-collect:/reports/shard-$i.json" "$out/shard-$i.json" ||
		echo "k8s-run: shard $i left no report" >&2
	files+=("$out/shard-$i.json")
done
rc=0
"$capsim" merge "${files[@]}" -o "$out/run.json" --junit "$out/run.xml" \
	--html "$out/run.html" || rc=$?
echo "k8s-run: merged report in $out/run.json (kubectl delete job/$job pod/$job-collect pvc/$job-reports when done)" >&2
exit "$rc"

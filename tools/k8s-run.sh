#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One capsim run over N Kubernetes pods, merged into one report:
#   tools/k8s-run.sh SCENARIO.yaml N --wlc ADDR[:PORT] [--image IMG]
#       [--name JOB] [--lead SECONDS] [--no-host-network] [--rwo]
#       [--site MASTER BASE_IP APS [--site-gateway GW]] [--pki DIR]
#       [--out DIR] [--dry-run]
# Renders deploy/kubernetes/shards-job.yaml.in (an Indexed Job of N pods,
# each one shard, all starting at now + lead seconds; --site: on a Multus
# macvlan attachment into a branch site's subnet instead of the node's
# network), creates the scenario ConfigMap and the lab-CA Secret, applies
# it, waits for the Job, copies the shards' reports out with kubectl cp
# (through the collector pod that holds the report volume), and runs
# `capsim merge`; the merged run.json, run.xml and run.html land in OUT
# (default ./JOB-reports).  --dry-run checks and renders the same way,
# keeps the manifest in OUT/job.yaml and prints the commands it would
# run, one per line, instead of running them.
# Exit status: capsim merge's (0 pass, 3 fail, 6 incomplete, ...), 1 when
# kubectl fails, 2 usage.
set -euo pipefail
usage() { sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
scn=$1 n=$2
shift 2
wlc= image=${CAPSIM_IMAGE:-capsim:latest} job=capsim-run lead=60
net=true access=ReadWriteMany pki=${CAPSIM_PKI:-$HOME/.local/share/capsim/pki}
out= dry=false site=() gw=
while [ $# -gt 0 ]; do
	case $1 in
	--wlc) [ $# -ge 2 ] || usage; wlc=$2; shift 2 ;;
	--image) [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
	--name) [ $# -ge 2 ] || usage; job=$2; shift 2 ;;
	--lead) [ $# -ge 2 ] || usage; lead=$2; shift 2 ;;
	--no-host-network) net=false; shift ;;
	--rwo) access=ReadWriteOnce; shift ;;
	--site) [ $# -ge 4 ] || usage; site=("$2" "$3" "$4"); net=site; shift 4 ;;
	--site-gateway) [ $# -ge 2 ] || usage; gw=$2; shift 2 ;;
	--pki) [ $# -ge 2 ] || usage; pki=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--dry-run) dry=true; shift ;;
	*) usage ;;
	esac
done
out=${out:-./$job-reports}
here=$(cd "$(dirname "$0")/.." && pwd)
capsim=${CAPSIM:-capsim}
[[ $n =~ ^[1-9][0-9]{0,4}$ ]] || { echo "k8s-run: N '$n' is not 1..99999" >&2; exit 2; }
[ -r "$scn" ] || { echo "k8s-run: cannot read $scn" >&2; exit 2; }
[ -r "$pki/ca.pem" ] && [ -r "$pki/ca-key.pem" ] || {
	echo "k8s-run: no lab CA in $pki (capsim certs init, or --pki DIR)" >&2
	exit 2
}
if [ -z "$wlc" ]; then
	echo "k8s-run: give --wlc ADDR: every shard joins the same controller" >&2
	exit 2
fi
[ -z "$gw" ] || [ "$net" = site ] || { echo "k8s-run: --site-gateway is for --site" >&2; exit 2; }
[[ $lead =~ ^[0-9]+$ ]] || usage
# the scenario and options must be valid before any pod starts, with the
# site's addresses when the run takes them
check=(run "$scn" --wlc "$wlc" --shards "$n" --shard "0/$n" --check)
[ "$net" != site ] || check+=(--aps "${site[2]}" --ap-base-ip "${site[1]}")
"$capsim" "${check[@]}" >/dev/null
start_at=$(date -u -d "+$lead sec" +%FT%TZ)
mkdir -p "$out"
manifest=$out/job.yaml
render=("$job" "$n" "$image" "$wlc" "$start_at" "$net" "$access")
[ "$net" != site ] || render+=("${site[@]}" "${gw:-none}")
"$here/deploy/kubernetes/render.sh" "${render[@]}" >"$manifest"

# do CMD...: run it, or with --dry-run print it (shell-quoted)
do_() {
	if $dry; then
		printf '%q ' "$@" | sed 's/ $//'
		echo
	else
		"$@"
	fi
}
# apply_generated KUBECTL-CREATE-ARGS...: an object kubectl makes from
# files, applied so that a second run replaces it
apply_generated() {
	if $dry; then
		printf '%q ' kubectl create "$@" --dry-run=client -o yaml
		echo '| kubectl apply -f -'
	else
		kubectl create "$@" --dry-run=client -o yaml | kubectl apply -f -
	fi
}
apply_generated configmap "$job-scenario" --from-file=scenario.yaml="$scn"
apply_generated secret generic "$job-pki" --from-file=ca.pem="$pki/ca.pem" \
	--from-file=ca-key.pem="$pki/ca-key.pem"
do_ kubectl apply -f "$manifest"
echo "k8s-run: $n shards of $scn start at $start_at" >&2
# the run's own length plus start-up and the lead: generous; the Job
# ends complete or failed (a failed shard is not run again), and both
# end the wait
if $dry; then
	do_ kubectl wait --for=condition=complete --timeout=24h "job/$job"
else
	kubectl wait --for=condition=complete --timeout=24h "job/$job" &
	ok=$!
	kubectl wait --for=condition=failed --timeout=24h "job/$job" &
	failed=$!
	wait -n "$ok" "$failed" || true
	kill "$ok" "$failed" 2>/dev/null || true
fi
do_ kubectl wait --for=condition=Ready --timeout=10m "pod/$job-collect"
files=()
for ((i = 0; i < n; i++)); do
	# a shard without a report is still named: merge says which
	do_ kubectl cp "$job-collect:/reports/shard-$i.json" "$out/shard-$i.json" ||
		echo "k8s-run: shard $i left no report" >&2
	files+=("$out/shard-$i.json")
done
rc=0
do_ "$capsim" merge "${files[@]}" -o "$out/run.json" --junit "$out/run.xml" \
	--html "$out/run.html" || rc=$?
if $dry; then
	echo "k8s-run: dry run: nothing applied; the manifest is $manifest" >&2
else
	echo "k8s-run: merged report in $out/run.json (kubectl delete job/$job pod/$job-collect pvc/$job-reports when done)" >&2
fi
exit "$rc"

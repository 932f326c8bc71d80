#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 17's deployment files, checked offline: the Kubernetes Indexed Job
# against the API schemas (tools/check-k8s.sh), the Ansible playbook with
# ansible-playbook --syntax-check, the wrapper scripts parse, and
# tools/k8s-run.sh --dry-run prints exactly the kubectl and merge commands
# it would run.  Skips (77) only when neither checker is there; says which
# one was missing.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
checked=0
fail() { echo "FAIL: $*"; exit 1; }
for s in tools/k8s-run.sh tools/check-k8s.sh deploy/kubernetes/render.sh; do
	bash -n "$src/$s" || fail "$s does not parse"
done
rc=0
"$src/tools/check-k8s.sh" || rc=$?
case $rc in
0) checked=$((checked + 1)) ;;
77) echo "NOTE: Kubernetes manifests not validated (no node/npm)" ;;
*) fail "deploy/kubernetes: not valid" ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# tools/k8s-run.sh cannot meet a cluster here: its --dry-run checks the
# scenario with capsim, renders the manifest and prints every command it
# would run; they are the exact commands, in order
mkdir -p "$tmp/pki"
: >"$tmp/pki/ca.pem"
: >"$tmp/pki/ca-key.pem"
printf 'name: k8s-check\naps:\n  count: 8\n' >"$tmp/s.yaml"
CAPSIM=$CAPSIM "$src/tools/k8s-run.sh" "$tmp/s.yaml" 4 --wlc 198.18.0.1 \
	--pki "$tmp/pki" --out "$tmp/o" --name capsim-t --dry-run \
	>"$tmp/dry.out" 2>"$tmp/dry.err" || { cat "$tmp/dry.err"; fail "k8s-run --dry-run"; }
{
	echo "kubectl create configmap capsim-t-scenario --from-file=scenario.yaml=$tmp/s.yaml --dry-run=client -o yaml | kubectl apply -f -"
	echo "kubectl create secret generic capsim-t-pki --from-file=ca.pem=$tmp/pki/ca.pem --from-file=ca-key.pem=$tmp/pki/ca-key.pem --dry-run=client -o yaml | kubectl apply -f -"
	echo "kubectl apply -f $tmp/o/job.yaml"
	echo "kubectl wait --for=condition=complete --timeout=24h job/capsim-t"
	echo "kubectl wait --for=condition=Ready --timeout=10m pod/capsim-t-collect"
	for i in 0 1 2 3; do
		echo "kubectl cp capsim-t-collect:/reports/shard-$i.json $tmp/o/shard-$i.json"
	done
	echo "$CAPSIM merge $tmp/o/shard-0.json $tmp/o/shard-1.json $tmp/o/shard-2.json $tmp/o/shard-3.json -o $tmp/o/run.json --junit $tmp/o/run.xml --html $tmp/o/run.html"
} >"$tmp/dry.want"
diff -u "$tmp/dry.want" "$tmp/dry.out" || fail "k8s-run --dry-run: other commands"
grep -q 'completions: 4$' "$tmp/o/job.yaml" || fail "k8s-run: the manifest is not the 4-shard Job"
grep -Eq 'start at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$tmp/dry.err" || fail "k8s-run: no start time said"
# the site variant renders the attachment and checks the scenario with
# the site's APs (40 here, not the scenario's 8)
CAPSIM=$CAPSIM "$src/tools/k8s-run.sh" "$tmp/s.yaml" 4 --wlc 198.18.0.1 \
	--pki "$tmp/pki" --out "$tmp/o2" --dry-run --site eth1 198.18.4.10 40 \
	--site-gateway 198.18.4.1 >/dev/null 2>"$tmp/dry2.err" || { cat "$tmp/dry2.err"; fail "k8s-run --site --dry-run"; }
grep -q 'kind: NetworkAttachmentDefinition' "$tmp/o2/job.yaml" || fail "k8s-run --site: no attachment"
grep -q 'total=40$' "$tmp/o2/job.yaml" || fail "k8s-run --site: not 40 APs"
# a bad scenario stops it before any kubectl command
printf 'name: bad\naps: 8\n' >"$tmp/bad.yaml"
rc=0
CAPSIM=$CAPSIM "$src/tools/k8s-run.sh" "$tmp/bad.yaml" 4 --wlc 198.18.0.1 \
	--pki "$tmp/pki" --out "$tmp/o3" --dry-run >"$tmp/bad.out" 2>"$tmp/bad.err" || rc=$?
[ "$rc" = 2 ] || fail "k8s-run with a bad scenario: exit $rc, want 2"
[ ! -s "$tmp/bad.out" ] || fail "k8s-run with a bad scenario printed commands"
grep -q "bad.yaml:2" "$tmp/bad.err" || { cat "$tmp/bad.err"; fail "k8s-run: the scenario's error not shown"; }
checked=$((checked + 1))
if command -v ansible-playbook >/dev/null; then
	ANSIBLE_LOCAL_TEMP=$tmp ANSIBLE_HOME=$tmp ansible-playbook --syntax-check \
		-i "$src/deploy/ansible/inventory.example.ini" \
		"$src/deploy/ansible/shards.yml" >"$tmp/out" 2>&1 ||
		{ cat "$tmp/out"; fail "deploy/ansible/shards.yml: syntax"; }
	checked=$((checked + 1))
else
	echo "NOTE: Ansible playbook not checked (no ansible-playbook: apt-get install ansible-core)"
fi
[ "$checked" -gt 0 ] || exit 77
echo "deploy_manifests: $checked checked"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 17's deployment files, checked offline: the Kubernetes Indexed Job
# against the API schemas (tools/check-k8s.sh), the Ansible playbook with
# ansible-playbook --syntax-check, the wrapper scripts parse.  Skips (77)
# only when neither checker is there; says which one was missing.
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
if command -v ansible-playbook >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
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

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Renders deploy/kubernetes/shards-job.yaml.in to standard output:
#   render.sh JOB SHARDS IMAGE WLC START_AT [HOST_NETWORK] [ACCESS_MODE]
# HOST_NETWORK true|false (default true), ACCESS_MODE ReadWriteMany
# (default) or ReadWriteOnce.  Values are checked, not trusted.
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: $0 JOB SHARDS IMAGE WLC START_AT [HOST_NETWORK] [ACCESS_MODE]" >&2; exit 2; }
job=$1 shards=$2 image=$3 wlc=$4 start_at=$5
hostnet=${6:-true} access=${7:-ReadWriteMany}
[[ $job =~ ^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$ ]] || { echo "render: JOB '$job' is not a DNS label" >&2; exit 2; }
[[ $shards =~ ^[1-9][0-9]{0,4}$ ]] || { echo "render: SHARDS '$shards' is not 1..99999" >&2; exit 2; }
[[ $image =~ ^[][A-Za-z0-9./:@_-]+$ ]] || { echo "render: IMAGE '$image' is not an image name" >&2; exit 2; }
[[ $wlc =~ ^[0-9.]+(:[0-9]+)?$ ]] || { echo "render: WLC '$wlc' is not ADDR[:PORT]" >&2; exit 2; }
[[ $start_at =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]] || { echo "render: START_AT '$start_at' is not RFC 3339 UTC" >&2; exit 2; }
[[ $hostnet =~ ^(true|false)$ ]] || { echo "render: HOST_NETWORK is true or false" >&2; exit 2; }
[[ $access =~ ^(ReadWriteMany|ReadWriteOnce)$ ]] || { echo "render: ACCESS_MODE is ReadWriteMany or ReadWriteOnce" >&2; exit 2; }
sed -e "s|@JOB@|$job|g" -e "s|@SHARDS@|$shards|g" -e "s|@IMAGE@|$image|g" \
	-e "s|@WLC@|$wlc|g" -e "s|@START_AT@|$start_at|g" \
	-e "s|@HOST_NETWORK@|$hostnet|g" -e "s|@ACCESS_MODE@|$access|g" \
	"$(dirname "$0")/shards-job.yaml.in"

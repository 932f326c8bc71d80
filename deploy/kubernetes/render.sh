#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Renders deploy/kubernetes/shards-job.yaml.in to standard output:
#   render.sh JOB SHARDS IMAGE WLC START_AT [NETWORK] [ACCESS_MODE]
#             [SITE_MASTER SITE_BASE_IP SITE_APS [SITE_GATEWAY]]
# NETWORK: true (default: the node's network, hostNetwork), false (the
# pod network), or site (Multus: a macvlan attachment on the node's
# interface SITE_MASTER into a branch site's subnet; the run's SITE_APS
# APs take addresses from SITE_BASE_IP on, each shard its slice, and the
# controller is reached through SITE_GATEWAY when given).  ACCESS_MODE
# ReadWriteMany (default) or ReadWriteOnce.  Values are checked, not
# trusted.
set -euo pipefail
die() { echo "render: $*" >&2; exit 2; }
[ $# -ge 5 ] || { sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
job=$1 shards=$2 image=$3 wlc=$4 start_at=$5
net=${6:-true} access=${7:-ReadWriteMany}
master=${8:-} base=${9:-} aps=${10:-} gw=${11:-none}
ip4='((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
[[ $job =~ ^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$ ]] || die "JOB '$job' is not a DNS label"
[[ $shards =~ ^[1-9][0-9]{0,4}$ ]] || die "SHARDS '$shards' is not 1..99999"
[[ $image =~ ^[][A-Za-z0-9./:@_-]+$ ]] || die "IMAGE '$image' is not an image name"
[[ $wlc =~ ^$ip4(:[0-9]+)?$ ]] || die "WLC '$wlc' is not ADDR[:PORT]"
[[ $start_at =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]] || die "START_AT '$start_at' is not RFC 3339 UTC"
[[ $net =~ ^(true|false|site)$ ]] || die "NETWORK is true, false or site"
[[ $access =~ ^(ReadWriteMany|ReadWriteOnce)$ ]] || die "ACCESS_MODE is ReadWriteMany or ReadWriteOnce"
site=(-e '/^#@SITE@/d')
hostnet=$net
if [ "$net" = site ]; then
	[ -n "$master" ] && [ -n "$base" ] && [ -n "$aps" ] ||
		die "NETWORK site needs SITE_MASTER SITE_BASE_IP SITE_APS"
	[[ $master =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$ ]] || die "SITE_MASTER '$master' is not an interface name"
	[[ $base =~ ^$ip4$ ]] || die "SITE_BASE_IP '$base' is not an IPv4 address"
	[[ $aps =~ ^[1-9][0-9]{0,6}$ ]] || die "SITE_APS '$aps' is not 1..9999999"
	[ "$aps" -ge "$shards" ] || die "$aps APs cannot make $shards shards"
	[[ $gw = none || $gw =~ ^$ip4$ ]] || die "SITE_GATEWAY '$gw' is not an IPv4 address"
	IFS=. read -r a b c d <<<"$base"
	[ $(((a << 24 | b << 16 | c << 8 | d) + aps - 1)) -le 4294967295 ] ||
		die "$aps APs from $base run past 255.255.255.255"
	site=(-e 's/^#@SITE@//')
	hostnet=false
elif [ -n "$master$base$aps" ]; then
	die "SITE_* values are for NETWORK site"
fi
sed "${site[@]}" -e "s|@JOB@|$job|g" -e "s|@SHARDS@|$shards|g" \
	-e "s|@IMAGE@|$image|g" -e "s|@WLC@|$wlc|g" \
	-e "s|@START_AT@|$start_at|g" -e "s|@HOST_NETWORK@|$hostnet|g" \
	-e "s|@ACCESS_MODE@|$access|g" -e "s|@SITE_MASTER@|$master|g" \
	-e "s|@SITE_BASE@|$base|g" -e "s|@SITE_APS@|$aps|g" \
	-e "s|@SITE_GATEWAY@|$gw|g" \
	"$(dirname "$0")/shards-job.yaml.in"

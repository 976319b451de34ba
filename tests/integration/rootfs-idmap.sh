#!/bin/bash
# Idmapped bind mounts (mount options "idmap"/"ridmap" with uidMappings/gidMappings): a file owned
# by containerID on disk shows as hostID through the mount, and the host's files are untouched.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

# The source lives in the build directory: on a disk filesystem, which (unlike tmpfs before
# Linux 6.3) supports idmapped mounts.
src=$(mktemp -d "$HUSK_BUILD_DIR/rootfs-idmap.XXXXXX")
defer rm -rf "$src"
touch "$src/by-root" "$src/by-3"
chown 3:4 "$src/by-3"

JQ='.mounts += [{"destination":"/idm","type":"bind","source":"'"$src"'","options":["bind","idmap"],"uidMappings":[{"containerID":0,"hostID":1000,"size":10}],"gidMappings":[{"containerID":0,"hostID":2000,"size":10}]}]' \
	rf_bundle i1 ls -ln /idm
rf_run i1
rf_expect_ok i1
out=$(rf_out i1)
grep -Eq '^-.* 1000 +2000 .* by-root$' <<<"$out" || fail "uid/gid 0 not shown as 1000/2000: $out"
grep -Eq '^-.* 1003 +2004 .* by-3$' <<<"$out" || fail "uid/gid 3/4 not shown as 1003/2004: $out"
assert_eq "0:0 3:4" "$(stat -c %u:%g "$src/by-root") $(stat -c %u:%g "$src/by-3")" "owners on the host"

# "idmap" without mappings, in a container without a user namespace: named error.
JQ='.mounts += [{"destination":"/idm","type":"bind","source":"'"$src"'","options":["bind","idmap"]}]' \
	rf_bundle i2 true
rf_run i2
n=$(jq '.mounts | length - 1' "$T/i2/config.json")
rf_expect_err i2 "mounts[$n] (/idm): idmap user namespace"

# idmap on something that is not a bind mount is refused.
JQ='.mounts += [{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["idmap"]}]' rf_bundle i3 true
rf_run i3
rf_expect_err i3 "idmapped mounts must be bind mounts"

rf_check_no_leak
echo ok

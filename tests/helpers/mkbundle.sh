#!/bin/bash
# mkbundle.sh DIR [ARGS...]: a test bundle (busybox-static + $PROBE, config from `husk spec`
# patched by the jq filters in $JQ). See oci/busybox-bundle.sh, which does the work.
exec bash "$(dirname "$0")/../../oci/busybox-bundle.sh" "$@"

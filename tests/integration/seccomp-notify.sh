#!/bin/bash
# SCMP_ACT_NOTIFY through `husk run`: the listener fd and the container process state reach the
# agent at listenerPath (tests/helpers/seccomp-agent), which answers the notified syscall: the
# container's getppid() returns the agent's 4242 instead of 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
. "$(dirname "$0")/seccomp-lib.sh"
sc_setup
AGENT=$HUSK_BUILD_DIR/tests/helpers/seccomp-agent
[[ -x $AGENT ]] || fail "build tests/helpers/seccomp-agent first"

"$AGENT" "$T/agent.sock" "$T/agent.json" 4242 &
agent=$!
defer "kill $agent 2>/dev/null; wait $agent 2>/dev/null || true"
wait_until 5 test -S "$T/agent.sock" || fail "the agent did not listen on $T/agent.sock"

seccomp=$(jq -cn --arg sock "$T/agent.sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock,
	listenerMetadata: "test-metadata", syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}')
JQ=".linux.seccomp = $seccomp" sc_bundle notify sh -c 'echo "ppid=$PPID"'
out=$(sc_run notify) || fail "run notify: $out"
assert_eq "ppid=4242" "$out" "getppid() answered by the agent"

# The agent exits once the container is gone; what it received is the process state of the spec.
wait_until 10 sh -c "! kill -0 $agent 2>/dev/null" || fail "the agent is still waiting"
wait "$agent" || fail "the agent failed"
assert_eq '["seccompFd"]' "$(jq -c .fds "$T/agent.json")" "fds"
assert_eq test-metadata "$(jq -r .metadata "$T/agent.json")" "metadata"
assert_eq notify "$(jq -r .state.id "$T/agent.json")" "state.id"
assert_eq creating "$(jq -r .state.status "$T/agent.json")" "state.status"
assert_eq "$(jq -r .pid "$T/agent.json")" "$(jq -r .state.pid "$T/agent.json")" "pid"

# A listenerPath nobody listens on: create fails with the path in the message, nothing is left.
JQ=".linux.seccomp = $(jq -c '.listenerPath = "/nonexistent/agent.sock"' <<<"$seccomp")" \
	sc_bundle nolistener true
cd "$T/nolistener"
expect_fail "/nonexistent/agent.sock" h run nolistener
[[ ! -e $ROOT/nolistener ]] || fail "a failed create left $ROOT/nolistener"
cd /
echo "seccomp-notify: ok"

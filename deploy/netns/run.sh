#!/usr/bin/env bash
# The six-partner demo with every node in its own network namespace.
#
# Each partner (gemeente, politie, om, zvh, reclassering, ggz) gets a network
# namespace with a veth pair to one bridge and an address 10.50.0.2-7; its node
# listens on that address only, so everything between the nodes really crosses a
# (virtual) network. The data dirs and the local API sockets stay on the shared file
# system, so `casusnet demo --headless --attach` drives the meeting from outside.
#
#   sudo deploy/netns/run.sh [DIR]
#
# DIR (default: a new temporary folder, removed afterwards unless the meeting
# failed) receives the demo. Needs root and iproute2. Every name carries a prefix
# with this script's PID (cn<PID>...), so parallel runs do not clash; a trap removes
# nodes, namespaces, veths and the bridge, also after a failure or Ctrl-C.
#
# Exit code: the meeting's (0 when every step was confirmed); 77 when this machine
# cannot create network namespaces; 2 when the set-up failed.
# Environment: CASUSNET_PYTHON (the Python with casusnet's dependencies; default
# python3), NETNS_SUBNET (default 10.50.0), NETNS_PORT (default 7001).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=${CASUSNET_PYTHON:-python3}
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
unset CASUSNET_DATA
SUBNET=${NETNS_SUBNET:-10.50.0}
PORT=${NETNS_PORT:-7001}
NODES=(gemeente politie om zvh reclassering ggz)
P="cn$$"            # prefix of every name this run creates
BRIDGE="${P}br"     # interface names stay within 15 characters
PIDS=()
NAMESPACES=()
CREATED_DIR=""
RC=2

say() { printf 'netns: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "needs root (network namespaces, veths, a bridge)"; exit 77
fi
if ! command -v ip >/dev/null; then
  say "needs iproute2 (ip)"; exit 77
fi
if ! ip netns add "${P}probe" 2>/dev/null; then
  say "this machine cannot create network namespaces (ip netns add failed)"; exit 77
fi
ip netns del "${P}probe"

if [ $# -ge 1 ]; then
  DIR=$1
else
  DIR=$(mktemp -d /tmp/casusnet-netns.XXXXXX)
  CREATED_DIR=$DIR
  rmdir "$DIR"      # casusnet demo creates it (mode 0700)
fi

cleanup() {
  trap '' INT TERM
  local pid i
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for i in $(seq 100); do          # up to 10 s for a clean stop
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null
  for node in "${NODES[@]}"; do   # a node that is gone leaves its socket file behind
    [ ${#PIDS[@]} -gt 0 ] && rm -f "$DIR/$node/api.sock"
  done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  for i in "${!NODES[@]}"; do ip link del "${P}h$i" 2>/dev/null; done
  ip link del "$BRIDGE" 2>/dev/null
  if [ -n "$CREATED_DIR" ]; then
    if [ "$RC" -eq 0 ]; then rm -rf "$CREATED_DIR"; else say "the demo and its logs: $CREATED_DIR"; fi
  fi
}
trap 'cleanup; exit $RC' EXIT
trap 'say interrupted; RC=130; exit 130' INT TERM

fail() { say "$*"; RC=2; exit 2; }

# the network: one bridge, and per partner a namespace joined to it by a veth pair
ip link add "$BRIDGE" type bridge || fail "cannot create bridge $BRIDGE"
ip link set "$BRIDGE" up || fail "cannot bring $BRIDGE up"
ADDRS=()
for i in "${!NODES[@]}"; do
  node=${NODES[$i]}
  ns="${P}-ns-$node"
  addr="$SUBNET.$((i + 2))"
  ip netns add "$ns" || fail "cannot create namespace $ns"
  NAMESPACES+=("$ns")
  ip link add "${P}h$i" type veth peer name "${P}n$i" || fail "cannot create veth ${P}h$i"
  ip link set "${P}n$i" netns "$ns" || fail "cannot move ${P}n$i into $ns"
  ip link set "${P}h$i" master "$BRIDGE" up || fail "cannot attach ${P}h$i"
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev "${P}n$i" || fail "cannot address ${P}n$i"
  ip -n "$ns" link set "${P}n$i" up || fail "cannot bring ${P}n$i up"
  ADDRS+=(--addr "$node=$addr:$PORT")
done
say "bridge $BRIDGE, namespaces ${P}-ns-{$(IFS=,; echo "${NODES[*]}")} on $SUBNET.0/24"

# the demo's set-up with those addresses, then each node in its own namespace
"$PY" -m node.tools.cli demo --setup-only --dir "$DIR" "${ADDRS[@]}" >&2 || fail "set-up failed"
for node in "${NODES[@]}"; do
  ip netns exec "${P}-ns-$node" env \
    CASUSNET_BACKOFF_BASE=0.2 CASUSNET_BACKOFF_CAP=1.0 CASUSNET_RETENTION_EVERY=0.5 \
    "$PY" -m node.tools.cli --data "$DIR/$node" run >>"$DIR/$node/node.log" 2>&1 </dev/null &
  PIDS+=($!)
done

# the meeting, from outside the namespaces, over the nodes' unix sockets
"$PY" -m node.tools.cli demo --headless --attach --dir "$DIR"
RC=$?
exit $RC

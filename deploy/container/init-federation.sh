#!/bin/sh
# One-shot set-up of the six-partner TEST federation of deploy/container/compose.yaml.
#
# Creates, under $FEDERATION_DIR (one volume per directory):
#   authority/        the roster authority (its signing key: keep it offline in real life)
#   NODE/             the data dir of each node: keys, casusnet.toml, node.db,
#                     roster.msgpack (the signed roster) and one staff account
# Every node listens on port $CASUSNET_PORT and is listed in the roster as
# http://NODE:$CASUSNET_PORT, the compose service name. Running it again once it has
# finished changes nothing.
#
# This is for a test federation on one host: in a real one every organisation runs
# `casusnet init` on its own machine and sends only member.json to the authority,
# and fingerprints are read out by phone (docs/operations.md).
#
# Environment:
#   FEDERATION_DIR             where the directories are (default /federation)
#   FEDERATION_NAME            the roster's federation name (default testregio)
#   CASUSNET_PORT              the nodes' port (default 8443)
#   CASUSNET_LISTEN_HOST       the address the nodes listen on (default 0.0.0.0)
#   CASUSNET_STAFF_PASSPHRASE  the test staff accounts' passphrase (required)
#   CASUSNET_RUN_AS            when started as root: chown the directories to this user
#                              and drop to it before creating anything
#   CASUSNET                   the casusnet command (default: casusnet)
set -eu

FED=${FEDERATION_DIR:-/federation}
NAME=${FEDERATION_NAME:-testregio}
PORT=${CASUSNET_PORT:-8443}
HOST=${CASUSNET_LISTEN_HOST:-0.0.0.0}
CASUSNET=${CASUSNET:-casusnet}

# node|organisation type|display name|staff login|function label
PARTNERS='gemeente|gemeente|Gemeente Testregio|anna|aandachtsfunctionaris radicalisering
politie|politie|Politie Testregio|piet|wijkagent
om|om|OM Testregio|olga|officier van justitie
zvh|zvh|Zorg- en Veiligheidshuis Testregio|zeynep|procesregisseur
reclassering|reclassering|Reclassering Testregio|rob|reclasseringswerker
ggz|ggz|GGZ Testregio|greet|psychiater'

if [ "$(id -u)" = 0 ] && [ -n "${CASUSNET_RUN_AS:-}" ]; then
    # volumes are created owned by root; hand them to the node user, then drop to it
    mkdir -p "$FED/authority"
    for dir in "$FED"/*/; do chown "$CASUSNET_RUN_AS:$CASUSNET_RUN_AS" "$dir"; done
    chown "$CASUSNET_RUN_AS:$CASUSNET_RUN_AS" "$FED"
    exec setpriv --reuid="$CASUSNET_RUN_AS" --regid="$CASUSNET_RUN_AS" --init-groups \
        sh "$0" "$@"
fi

: "${CASUSNET_STAFF_PASSPHRASE:?set CASUSNET_STAFF_PASSPHRASE (at least 10 characters)}"
umask 077
AUTH="$FED/authority"
ROSTER="$AUTH/roster.msgpack"

if [ -f "$AUTH/.done" ]; then
    echo "test federation already set up in $FED"
    $CASUSNET roster show "$ROSTER"
    exit 0
fi
if [ -f "$AUTH/authority.key" ]; then
    echo "a previous set-up in $FED did not finish; remove its volumes and start again" >&2
    echo "(docker compose down --volumes)" >&2
    exit 1
fi

$CASUSNET roster create --dir "$AUTH" --federation "$NAME"

echo "$PARTNERS" | while IFS='|' read -r node org display _login _function; do
    $CASUSNET --data "$FED/$node" init --node "$node" --org "$org" \
        --listen "$HOST:$PORT" --url "http://$node:$PORT" \
        --roster "$FED/$node/roster.msgpack" --authority-file "$AUTH/authority.pub"
    $CASUSNET roster add --dir "$AUTH" --member "$FED/$node/member.json" --name "$display"
done

$CASUSNET roster sign --dir "$AUTH" --out "$ROSTER"

echo "$PARTNERS" | while IFS='|' read -r node _org _display login function; do
    cp "$ROSTER" "$FED/$node/roster.msgpack"
    capacity=""  # a gemeente account acts as burgemeester (or college)
    [ "$node" = gemeente ] && capacity="--capacity burgemeester"
    # shellcheck disable=SC2086
    $CASUSNET --data "$FED/$node" staff add --name "$login" --function "$function" --intake $capacity
done

$CASUSNET roster show "$ROSTER"
touch "$AUTH/.done"
echo "test federation ready: six nodes, one staff account each"

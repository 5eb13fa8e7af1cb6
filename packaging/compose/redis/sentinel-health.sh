#!/bin/sh
# Health check of a Sentinel: healthy when it sees the master up, at least one replica and the
# two other Sentinels, i.e. when it could take part in a failover.
# redis-cli authenticates as "admin" with REDISCLI_AUTH from the container's environment.
set -eu

info=$(redis-cli --user admin -p "$SENTINEL_PORT" sentinel master mymaster)
value() { printf '%s\n' "$info" | grep -A1 -x "$1" | tail -n 1; }

[ "$(value num-slaves)" -ge 1 ] || exit 1
[ "$(value num-other-sentinels)" -ge 2 ] || exit 1
case "$(value flags)" in
  *down*) exit 1 ;;
esac

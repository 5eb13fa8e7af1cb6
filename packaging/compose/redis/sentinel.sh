#!/bin/sh
# Starts one Sentinel of the stack, watching the master "mymaster".
#
# Sentinel rewrites its config file while it runs (what it learns: replicas, other Sentinels,
# the current master after a failover), so the file cannot be a read-only mount: it is written
# into the data volume on the first start and kept from then on.
# Host names everywhere (resolve-hostnames, announce-hostnames, announce-ip): Sentinel then tells
# clients "redis-master 6379", not a container address the host cannot reach.
set -eu

conf=/data/sentinel.conf
if [ ! -e "$conf" ]; then
  cat > "$conf" <<EOF
port ${SENTINEL_PORT:?}
requirepass ${REDIS_PASSWORD:?}
sentinel sentinel-pass ${REDIS_PASSWORD}
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip ${SENTINEL_ANNOUNCE_HOST:?}
sentinel monitor mymaster redis-master 6379 2
sentinel auth-pass mymaster ${REDIS_PASSWORD}
sentinel down-after-milliseconds mymaster 5000
sentinel failover-timeout mymaster 30000
sentinel parallel-syncs mymaster 1
EOF
fi

exec docker-entrypoint.sh redis-server "$conf" --sentinel

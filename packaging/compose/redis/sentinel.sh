#!/bin/sh
# Starts one Sentinel of the stack, watching the master "mymaster".
#
# Sentinel rewrites its config file while it runs (what it learns: replicas, other Sentinels,
# the current master after a failover), so the file cannot be a read-only mount: it is written
# into the data volume on the first start and kept from then on.
# Host names everywhere (resolve-hostnames, announce-hostnames, announce-ip): Sentinel then tells
# clients "redis-master 6379", not a container address the host cannot reach.
set -eu

# Users: no default user; "admin" for operators, "sentinel" between the Sentinels and towards
# Redis, and each region's station and simulator users, which may only ask where the master is.
conf=/data/sentinel.conf
if [ ! -e "$conf" ]; then
  /ward/render-acl.sh /ward/sentinel-users.acl.template > "$conf"
  cat >> "$conf" <<EOF
port ${SENTINEL_PORT:?}
sentinel sentinel-user sentinel
sentinel sentinel-pass ${REDIS_SENTINEL_PASSWORD:?}
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip ${SENTINEL_ANNOUNCE_HOST:?}
sentinel monitor mymaster redis-master 6379 2
sentinel auth-user mymaster sentinel
sentinel auth-pass mymaster ${REDIS_SENTINEL_PASSWORD}
sentinel down-after-milliseconds mymaster 5000
sentinel failover-timeout mymaster 30000
sentinel parallel-syncs mymaster 1
EOF
fi

exec docker-entrypoint.sh redis-server "$conf" --sentinel

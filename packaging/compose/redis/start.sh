#!/bin/sh
# Starts the Redis master or the replica of the stack, from a config file in its data volume.
#
# The file is written on the first start only: after a failover Sentinel rewrites it (CONFIG
# REWRITE, e.g. a "replicaof" line for the old master), and that must survive a restart.
# Each instance announces its container name (replica-announce-ip), so that Sentinel hands
# clients names that resolve both inside the compose network and, through /etc/hosts, on the host.
# Users and their rights come from users.acl.template (one user per role; no default user): it
# is rendered into the data volume with the secrets of packaging/.env on every start, so that
# rights a new version needs (HDEL and ZREM, to prune archived alarms) arrive with it.
set -eu

/ward/render-acl.sh /ward/users.acl.template > /data/users.acl
conf=/data/redis.conf
if [ ! -e "$conf" ]; then
  cat > "$conf" <<EOF
port ${REDIS_PORT:?}
aclfile /data/users.acl
masteruser replication
masterauth ${REDIS_REPLICATION_PASSWORD:?}
replica-announce-ip ${REDIS_ANNOUNCE_HOST:?}
appendonly yes
EOF
  if [ -n "${REDIS_REPLICA_OF:-}" ]; then
    echo "replicaof ${REDIS_REPLICA_OF}" >> "$conf"
  fi
fi

exec docker-entrypoint.sh redis-server "$conf"

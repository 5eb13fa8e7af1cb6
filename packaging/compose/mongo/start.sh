#!/bin/bash
# Starts one member of the stack's MongoDB replica set.
# The members prove to each other that they belong to the set with a shared key file. Its content
# comes from MONGO_REPLICA_KEY (packaging/.env); mongod refuses a key file that others can read.
set -euo pipefail

key=/data/configdb/replica.key
printf '%s\n' "${MONGO_REPLICA_KEY:?MONGO_REPLICA_KEY is not set: see packaging/compose.env.example}" > "$key"
chown mongodb:mongodb "$key"
chmod 400 "$key"

exec docker-entrypoint.sh "$@"

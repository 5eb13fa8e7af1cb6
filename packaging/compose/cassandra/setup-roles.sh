#!/bin/bash
# Runs once, in the background on cassandra1's first start, before cassandra2 joins:
# - creates the station's role "ward" (CASSANDRA_WARD_PASSWORD);
# - replaces the well-known password of the superuser "cassandra" (CASSANDRA_ADMIN_PASSWORD);
# - replicates system_auth to both nodes of the datacenter, so that either node alone can check
#   a login. cassandra2 receives its copy when it joins (its bootstrap streams it).
# In this order: while cassandra1 is alone, a role change at quorum of 2 replicas would fail.
# The marker file tells start.sh and the health check that this is done.
set -euo pipefail

marker=/var/lib/cassandra/ward-roles-ready

# The default superuser cassandra/cassandra exists a moment after the node accepts connections.
for _ in $(seq 1 150); do
  if cqlsh -u cassandra -p cassandra -e 'SELECT release_version FROM system.local' > /dev/null 2>&1; then
    break
  fi
  sleep 2
done

cqlsh -u cassandra -p cassandra <<CQL
CREATE ROLE IF NOT EXISTS ward WITH PASSWORD = '${CASSANDRA_WARD_PASSWORD:?}' AND LOGIN = true;
ALTER ROLE cassandra WITH PASSWORD = '${CASSANDRA_ADMIN_PASSWORD:?}';
ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${CASSANDRA_DC:?}': 2};
CQL

touch "$marker"
echo "setup-roles.sh: role ward created, system_auth replicated to 2 nodes of ${CASSANDRA_DC}"

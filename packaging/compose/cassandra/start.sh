#!/bin/bash
# Starts one Cassandra node of the stack, with password authentication.
#
# The image has no setting for the authenticator, so cassandra.yaml is edited here (each start:
# the edits are idempotent). Logins of roles other than "cassandra" read system_auth at LOCAL_ONE
# instead of 4.1's LOCAL_QUORUM: with two nodes and system_auth on both, LOCAL_QUORUM needs both,
# and the failover drill (one node stopped) would lock every new connection out.
set -euo pipefail

conf="${CASSANDRA_CONF:-/etc/cassandra}/cassandra.yaml"

# 4.x writes "authenticator: AllowAllAuthenticator", 5.0 "class_name: AllowAllAuthenticator".
sed -i -E 's/^([^#]*)AllowAllAuthenticator/\1PasswordAuthenticator/' "$conf"
if grep -q '^auth_read_consistency_level:' "$conf"; then
  sed -i -E 's/^auth_read_consistency_level:.*/auth_read_consistency_level: LOCAL_ONE/' "$conf"
else
  echo 'auth_read_consistency_level: LOCAL_ONE' >> "$conf"
fi

# cassandra1 sets up the roles once, in the background, as soon as it accepts logins. The
# subshell leaves it to the container's init process (compose: init: true), which reaps it.
if [ "${WARD_SETUP_ROLES:-no}" = yes ] && [ ! -e /var/lib/cassandra/ward-roles-ready ]; then
  (bash /ward/setup-roles.sh &)
fi

exec docker-entrypoint.sh "$@"

#!/bin/bash
# Runs once, right after the image's automated setup (DOCKER_INFLUXDB_INIT_MODE=setup) has created
# the organisation, the bucket and the operator token, with the influx CLI already logged in.
# The station speaks InfluxDB's v1-compatible API (/write, /query), which names a database and a
# retention policy, not a bucket: map database "vitals", retention policy "autogen", to the bucket.
# (`ward-station check --init` would create this mapping too; made here, the stack is ready
# without it. Newer 2.x releases also map a bucket to the database of its name by themselves;
# a mapping made here takes the place of that one.)
set -euo pipefail

influx v1 dbrp create \
  --org "$DOCKER_INFLUXDB_INIT_ORG" \
  --bucket-id "$DOCKER_INFLUXDB_INIT_BUCKET_ID" \
  --db "$DOCKER_INFLUXDB_INIT_BUCKET" \
  --rp autogen \
  --default

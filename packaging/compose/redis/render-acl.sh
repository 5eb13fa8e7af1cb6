#!/bin/sh
# Prints a Redis users template with its comments dropped and every @NAME@ replaced by the
# environment variable NAME (a secret from packaging/.env: letters and digits only).
# The tests render the same templates the same way (tests/stores/test_redis_acl.py).
set -eu

template="$1"
text="$(grep -v '^#' "$template" | grep -v '^$')"
for name in $(printf '%s\n' "$text" | grep -o '@[A-Z_]*@' | tr -d @ | sort -u); do
  value="$(printenv "$name")" || { echo "render-acl.sh: $name is not set (packaging/.env)" >&2; exit 1; }
  case "$value" in *[!A-Za-z0-9]*|'') echo "render-acl.sh: $name must be letters and digits" >&2; exit 1 ;; esac
  text="$(printf '%s\n' "$text" | sed "s/@$name@/$value/g")"
done
printf '%s\n' "$text"

#!/bin/sh
# Prints the stack's settings with fresh random secrets, from packaging/compose.env.example:
# every line "NAME=" with an empty value gets 32 random hexadecimal digits.
# Use:  (umask 077; packaging/compose/new-env.sh > packaging/.env)
set -eu

example="$(dirname "$0")/../compose.env.example"
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    [A-Z]*=) printf '%s%s\n' "$line" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$example"

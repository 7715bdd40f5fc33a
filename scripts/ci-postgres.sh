#!/bin/sh
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres, psql) are on this machine for
# the postgres store tests (test/helpers/postgres.ts starts a private cluster from them; no server
# is assumed to run). Installs Debian's postgresql package when no initdb is found. Prints what it
# found. Usage: sh scripts/ci-postgres.sh   (root, or sudo available, for the install)
set -eu

find_bin() {
  for d in /usr/local/bin /usr/lib/postgresql/*/bin $(printf '%s' "${PATH:-}" | tr ':' ' '); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if ! bin=$(find_bin); then
  echo "ci-postgres: no initdb found; installing Debian's postgresql package"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  # The package may start a system cluster; the tests never use it.
  bin=$(find_bin) || { echo "ci-postgres: FAIL: postgresql installed but no initdb found" >&2; exit 1; }
fi

echo "ci-postgres: PostgreSQL binaries in $bin ($("$bin/postgres" --version))"
if [ "$(id -u)" = 0 ]; then
  if id -u postgres >/dev/null 2>&1; then
    echo "ci-postgres: running as root: the tests run the cluster as the 'postgres' system user"
  else
    echo "ci-postgres: FAIL: running as root and there is no 'postgres' system user" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# `make test`: set up what is missing, build a throw-away database with our
# modules (copied from a cached template with the core modules), then run the
# whole suite with pytest: the addons' Odoo tests through pytest-odoo (HttpCase
# included) and the end-to-end tests in tests/ against real Odoo servers.
# Extra arguments go to pytest, e.g. scripts/test.sh addons/delivery_biteship -k rate
# The suite is spread over TEST_WORKERS processes (pytest-xdist; default: one
# per core), each test class or module whole on one worker, each worker on its
# own copies of the databases; TEST_WORKERS=0 runs it in this process.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
DB=${TEST_DB:-fulfil_test}
PORT=${TEST_HTTP_PORT:-18069}
MODULES=${MODULES:-$(our_modules)}
CONF="$CONF_DIR/test-$DB.conf"
gen_conf "$CONF" "$PORT"
ensure_template fulfil_template_nodemo no "$CONF"
say "database $DB with $MODULES"
copy_db fulfil_template_nodemo "$DB"
odoo_bin -c "$CONF" -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn
# The end-to-end tests in tests/ run their own Odoo server on a copy, so that
# its commits never meet the in-process test registry's database.
copy_db "$DB" "${DB}_e2e"
export FULFIL_E2E_DB="${DB}_e2e" FULFIL_ODOO_CONF=$CONF ODOO_SRC FULFIL_TEMPLATE_DB=fulfil_template_nodemo
# The whole suite also names its 25 slowest tests (where the time goes);
# tests/ first: its long end-to-end modules start at once, the addons'
# short classes fill in around them.
[ $# -gt 0 ] || set -- tests addons --durations=25
# one worker per core, at most 4 (each has its registry, server, browser)
cores=$(nproc)
WORKERS=${TEST_WORKERS:-$((cores < 4 ? cores : 4))}
XDIST=(-n "$WORKERS"); [ "$WORKERS" = 0 ] || XDIST+=(--dist loadscope)
say "pytest (${WORKERS} workers) $*"
exec "$PY" -m pytest --odoo-database="$DB" --odoo-config="$CONF" --odoo-http -p no:cacheprovider "${XDIST[@]}" "$@"

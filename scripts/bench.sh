#!/usr/bin/env bash
# `make bench`: every bench/bench_*.py (or the ones named) on a fresh database
# with our modules; each prints its table. Figures go into bench/README.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
DB=${BENCH_DB:-fulfil_bench}
CONF="$CONF_DIR/bench.conf"
gen_conf "$CONF" "${BENCH_HTTP_PORT:-18090}"
ensure_template fulfil_template_nodemo no "$CONF"
copy_db fulfil_template_nodemo "$DB"
odoo_bin -c "$CONF" -d "$DB" -i "$(our_modules)" --stop-after-init --log-level=warn
[ $# -gt 0 ] || set -- bench/bench_*.py
# every bench runs; a failed check (exit status) fails `make bench` at the end
failed=()
for b in "$@"; do
  say "$b"
  "$PY" "$b" --db "$DB" --conf "$CONF" || failed+=("$b")
done
[ ${#failed[@]} -eq 0 ] || { say "failed: ${failed[*]}"; exit 1; }

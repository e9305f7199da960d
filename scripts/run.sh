#!/usr/bin/env bash
# `make run`: set up what is missing, a demo database with the shop and our
# modules (demo data), then serve it on http://localhost:8069.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
DB=${RUN_DB:-fulfil_demo}
PORT=${HTTP_PORT:-8069}
CONF="$CONF_DIR/run.conf"
gen_conf "$CONF" "$PORT"
if db_exists "$DB"; then
  say "updating our modules in $DB"
  odoo_bin -c "$CONF" -d "$DB" -u "$(our_modules)" --stop-after-init --log-level=warn
else
  ensure_template fulfil_template_demo yes "$CONF"
  copy_db fulfil_template_demo "$DB"
  say "installing $(our_modules) with demo data into $DB"
  odoo_bin -c "$CONF" -d "$DB" -i "$(our_modules)" --stop-after-init --log-level=warn
fi
cat <<MSG

  Shop:        http://localhost:$PORT/shop
  Back office: http://localhost:$PORT/odoo   (login: admin / password: admin)
  Portal:      http://localhost:$PORT/my     (login: portal / password: portal)
  Stop with Ctrl+C.

MSG
exec "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB" --db-filter="^$DB\$"

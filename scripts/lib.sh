# Shared by the project's scripts: paths, generated Odoo config, template databases.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
PY="$VENV/bin/python"
# Generated configurations stay in the checkout; Odoo's data (filestores,
# sessions) lives beside PostgreSQL's databases, machine-wide, so that every
# checkout (CI's fresh clone too) can copy the template databases whole.
CONF_DIR="$ROOT/.odoo-data"
DATA_DIR=${ODOO_DATA_DIR:-$HOME/.local/share/odoo-fulfilment}
# Core modules our add-ons run with (the shop, payment, delivery, portal).
CORE_MODULES=website_sale,sale_management,sale_stock,stock_delivery,payment_demo,account_payment,portal
say() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0" .sh)" "$*"; }

# Every installable module under addons/, comma-separated.
our_modules() {
  local m out=()
  for m in "$ROOT"/addons/*/__manifest__.py; do
    [ -f "$m" ] || continue
    grep -Eq "['\"]installable['\"]: *False" "$m" && continue
    out+=("$(basename "$(dirname "$m")")")
  done
  (IFS=,; echo "${out[*]}")
}

# gen_conf FILE PORT: odoo.conf with absolute paths for this ODOO_SRC and checkout.
gen_conf() {
  mkdir -p "$CONF_DIR" "$DATA_DIR"
  sed -e "s#^addons_path *=.*#addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT/addons#" \
      -e "s#^data_dir *=.*#data_dir = $DATA_DIR#" \
      -e "s#^http_port *=.*#http_port = $2#" "$ROOT/odoo.conf" > "$1"
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" "$@"; }

db_exists() { psql -d postgres -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; }

# copy_db FROM TO: a database and its filestore (attachments live on disk).
copy_db() {
  dropdb --if-exists --force "$2" >/dev/null
  createdb -T "$1" "$2"
  rm -rf "$DATA_DIR/filestore/$2"
  [ -d "$DATA_DIR/filestore/$1" ] && cp -a "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
  return 0
}

# ensure_template NAME DEMO(yes|no) CONF: a database with the core modules, built once
# per Odoo commit + module list + demo flag (the key is kept as the database comment).
ensure_template() {
  mkdir -p "$DATA_DIR"
  # One builder at a time, machine-wide: a run in another checkout (CI's
  # clone, a second test run) waits for the template instead of finding it
  # half-built, dropping it and building its own under the first one's copy.
  ( flock 9; _ensure_template "$@" ) 9>"$DATA_DIR/.$1.lock"
}
_ensure_template() {
  local name=$1 demo=$2 conf=$3 key
  key="$(cat "$ODOO_SRC/.odoo-source-commit" 2>/dev/null || git -C "$ODOO_SRC" rev-parse HEAD 2>/dev/null || echo unknown)|$CORE_MODULES|$demo"
  if db_exists "$name" && [ -d "$DATA_DIR/filestore/$name" ] && [ "$(psql -d postgres -tAc "select shobj_description(oid,'pg_database') from pg_database where datname='$name'")" = "$key" ]; then
    return 0
  fi
  say "building template database $name (core modules, demo=$demo; takes a few minutes once)"
  dropdb --if-exists --force "$name" >/dev/null
  rm -rf "$DATA_DIR/filestore/$name"
  local flags=(); [ "$demo" = yes ] || flags=(--without-demo=all)
  odoo_bin -c "$conf" -d "$name" -i "$CORE_MODULES" "${flags[@]}" --stop-after-init --log-level=warn
  psql -d postgres -qc "comment on database \"$name\" is '$key'"
}

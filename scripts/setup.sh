#!/usr/bin/env bash
# One-time (and idempotent) machine set-up for `make run` and `make test`:
# Odoo source, Debian packages, PostgreSQL running with a role for us, and a
# virtualenv with Odoo's and our Python requirements. Each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Odoo source: not on PyPI; clone it when the network allows, else stop.
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
  say "no Odoo source at ODOO_SRC=$ODOO_SRC; trying a shallow clone of odoo/odoo 18.0"
  if timeout 60 git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC" 2>/dev/null; then
    say "cloned Odoo 18.0 into $ODOO_SRC"
  else
    rm -rf "$ODOO_SRC" 2>/dev/null || true
    echo "ERROR: Odoo 18.0 source not found at ODOO_SRC=$ODOO_SRC and it cannot be cloned (no network)." >&2
    echo "       Put an Odoo 18.0 tree there (it must hold odoo-bin), or set ODOO_SRC to one." >&2
    exit 3
  fi
fi
grep -q "^version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || {
  echo "ERROR: ODOO_SRC=$ODOO_SRC is not Odoo 18.0" >&2; exit 3; }

# --- Debian packages (as root, or through sudo).
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
# poppler-utils: pdftoppm, the end-to-end run's picture of a label sheet
for p in postgresql libpq-dev libldap2-dev libsasl2-dev wkhtmltopdf chromium fonts-dejavu-core poppler-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# Node.js (for prettier in `make lint`) may come from elsewhere than Debian.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- PostgreSQL: start the cluster when down; it refuses to run as root, so
# pg_ctlcluster runs it as postgres. Then a superuser role for the current user.
if ! pg_isready -q 2>/dev/null; then
  ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
  [ -n "$ver" ] || { echo "ERROR: no PostgreSQL cluster under /etc/postgresql" >&2; exit 4; }
  [ -d "/etc/postgresql/$ver/main" ] || $SUDO pg_createcluster "$ver" main
  say "starting PostgreSQL $ver"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || $SUDO pg_ctlcluster "$ver" main start
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi
me=$(id -un)
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
  say "creating PostgreSQL role $me"
  if [ "$(id -u)" = 0 ]; then su postgres -c "createuser -s $me"; else sudo -u postgres createuser -s "$me"; fi
fi

# --- Python virtualenv; redone only when a requirements file changes.
stamp="$VENV/.requirements.sha"
want=$(cat "$ODOO_SRC/requirements.txt" requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "building virtualenv $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  bc=$(mktemp); echo 'setuptools<70' > "$bc"
  "$VENV/bin/pip" install -q --upgrade pip wheel 'setuptools<70'
  # cbor2==5.4.2 (pinned by Odoo) only builds with setuptools<70 (pkg_resources).
  "$VENV/bin/pip" install -q --build-constraint "$bc" -r "$ODOO_SRC/requirements.txt" -r requirements.txt -r requirements-dev.txt
  "$VENV/bin/pip" install -q --no-build-isolation --no-deps -e "$ODOO_SRC"
  rm -f "$bc"
  echo "$want" > "$stamp"
fi
# The editable install points at ODOO_SRC as it was when the venv was made.
"$VENV/bin/python" -c "import odoo.tools, os, sys; sys.exit(os.path.realpath(odoo.__path__[0]) != os.path.realpath('$ODOO_SRC/odoo'))" \
  || "$VENV/bin/pip" install -q --no-build-isolation --no-deps -e "$ODOO_SRC"
say "ready: Odoo 18.0 at $ODOO_SRC, virtualenv $VENV, PostgreSQL up"

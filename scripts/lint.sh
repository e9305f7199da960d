#!/usr/bin/env bash
# `make lint`: ruff (lint + format check), pylint-odoo and prettier (XML), as in
# OCA repositories, with tools from PyPI and npm (no pre-commit hook cloning).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh" >/dev/null
cd "$ROOT"
if [ ! -x node_modules/.bin/prettier ] || [ package.json -nt node_modules/.installed ]; then
  say "installing prettier (package.json) into node_modules/"
  npm install --silent --no-audit --no-fund >/dev/null
  touch node_modules/.installed
fi
status=0
say "ruff check";    "$VENV/bin/ruff" check . || status=1
say "ruff format";   "$VENV/bin/ruff" format --check . || status=1
# missing-readme: each module documents itself in readme/ fragments (OCA layout).
say "pylint-odoo";   "$VENV/bin/pylint" --rcfile=.pylintrc --disable=missing-readme addons/* || status=1
say "prettier (xml)"
node_modules/.bin/prettier --check "addons/**/*.xml" "docker/**/*.xml" --no-error-on-unmatched-pattern || status=1
[ $status = 0 ] && say "lint clean" || say "lint found problems"
exit $status

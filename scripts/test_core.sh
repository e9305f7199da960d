#!/usr/bin/env bash
# `make test-core`: Odoo's own test suites of the core modules our add-ons
# extend, run in a database where our modules are installed, so that a change
# of ours breaking core behaviour shows up. `make test-core-full` (FULL=1)
# runs website_sale's whole suite instead of its checkout/cart/delivery/portal
# classes.
#
# The database is new: the core modules, ours and demo data (core tests rely
# on it) are installed with the tests enabled, as Odoo's own CI does. Each
# module's at_install tests run right after it is installed, the post_install
# tests at the end with every module loaded. (A copy of a cached template is
# not the same: its at_install tests would run with the registry limited to
# the module loaded while the database already has the columns of the later
# modules, e.g. website_sale's required product fields, and fail.)
#
#   OUR_MODULES= bash scripts/test_core.sh   core alone, for comparison
#   CORE_TEST_TAGS=/sale_stock bash scripts/test_core.sh   other tests
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
DB=${CORE_DB:-fulfil_core}
PORT=${CORE_HTTP_PORT:-18169}
OUR_MODULES=${OUR_MODULES-$(our_modules)}
# website_sale's checkout tours pay by wire transfer: without payment_custom
# Odoo skips them ("Transfer provider is not installed").
INSTALL="$CORE_MODULES,payment_custom${OUR_MODULES:+,$OUR_MODULES}"
# payment_custom: the COD provider is one of its kind; stock_picking_batch:
# bulk labels print from batch transfers.
SUITES=/sale_stock,/stock_delivery,/account_payment,/payment_demo,/payment_custom,/stock_picking_batch
# website_sale: the classes of checkout, cart, payment, delivery and portal.
WEBSITE_SALE=(
  TestSaleProcess TestCheckoutAddress TestWebsiteSaleExpressCheckoutFlows
  TestWebsiteSaleCart WebsiteSaleCartPayment TestWebsiteSaleCartRecovery
  TestWebsiteSaleDeliveryController TestWebsiteSaleDeliveryExpressCheckoutFlows
  TestUi TestWebsiteSaleInvoice TestEcommerceAccess TestWebsiteSaleReorderFromPortal
)
# Website-editor tours that end in "Script timeout exceeded" on this kind of
# machine with or without our modules (checked: see README, "Core tests").
EXCLUDED=(
  TestSaleProcess.test_01_admin_shop_tour
  TestCustomize.test_01_admin_shop_customize_tour
  TestCustomize.test_06_admin_list_view_b2c
  TestSnippets.test_01_snippet_products_edition
  TestSnippets.test_02_snippet_products_remove
  TestWebsiteSaleEditor.test_category_page_and_products_snippet
  TestWebsiteSaleEditor.test_website_sale_restricted_editor_ui
)
if [ "${FULL:-0}" = 1 ]; then
  tags="$SUITES,/website_sale"
else
  tags="$SUITES$(printf ',/website_sale:%s' "${WEBSITE_SALE[@]}")"
fi
tags="$tags$(printf ',-/website_sale:%s' "${EXCLUDED[@]}")"
TAGS=${CORE_TEST_TAGS:-$tags}
CONF="$CONF_DIR/test-$DB.conf"
gen_conf "$CONF" "$PORT"
dropdb --if-exists --force "$DB" >/dev/null
rm -rf "$DATA_DIR/filestore/$DB"
mkdir -p artifacts
LOG="$ROOT/artifacts/test-core-$DB.log"
say "new database $DB: $INSTALL, demo data, tests $TAGS (log: $LOG)"
: > "$LOG"  # Odoo appends to its log file
start=$SECONDS
rc=0
odoo_bin -c "$CONF" -d "$DB" -i "$INSTALL" \
  --test-tags "$TAGS" --stop-after-init --log-level=info --logfile="$LOG" || rc=$?
# What went wrong, then Odoo's count: "N failed, M error(s) of T tests".
grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG" | cut -c1-400 || true
summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" | tail -n 1 || true)
say "core tests ${OUR_MODULES:+with $OUR_MODULES }in $(( SECONDS - start )) s"
if [ -z "$summary" ]; then
  echo "test-core: no test result in $LOG (Odoo exit code $rc)"
  exit 1
fi
echo "test-core: $summary"
case "$summary" in
  "0 failed, 0 error(s) of 0 tests") exit 1 ;;  # nothing ran: a wrong tag
  "0 failed, 0 error(s) of "*) exit "$rc" ;;
  *) exit 1 ;;
esac

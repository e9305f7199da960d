"""Benchmark: shipping labels for N deliveries (delivery_carrier_tracking).

Batched: what the module does, one report run for all deliveries, split into
one PDF per package. Per delivery: Odoo's report rendered once per delivery
(what printing each delivery's label does).

Usage: .venv/bin/python bench/bench_labels.py --db DB --conf odoo.conf [--count 100]

The database needs delivery_carrier_tracking_id_couriers installed (JNE).
wkhtmltopdf fetches the report CSS over HTTP, so Odoo's HTTP server is started in
this process. The data is created in one transaction that is rolled back at the end.
"""

import odoo
from common import create_deliveries, load_registry, parse_args, superuser_env, timed

LABEL_REPORT = "delivery_carrier_tracking.action_report_shipping_label"


def make_pickings(env, count):
    carrier = env.ref("delivery_carrier_tracking_id_couriers.carrier_jne")
    pickings = create_deliveries(
        env, carrier, count, carrier_tracking_ref=lambda index: f"BENCH{index:08d}"
    )
    pickings.action_confirm()
    return carrier, pickings


def batched(env, carrier, pickings):
    carrier._tracking_attach_labels(pickings)
    labels = pickings.tracking_label_ids
    assert len(labels) == len(pickings), (len(labels), len(pickings))


def per_delivery(env, carrier, pickings):
    report = env["ir.actions.report"]
    for picking in pickings:
        pdf, fmt = report._render_qweb_pdf(LABEL_REPORT, picking.ids)
        assert fmt == "pdf" and pdf.startswith(b"%PDF")


def main():
    args = parse_args(__doc__, count=(int, 100))
    registry = load_registry(args, http=True)
    port = odoo.tools.config["http_port"]
    with registry.cursor() as cr:
        env = superuser_env(cr)
        params = env["ir.config_parameter"]
        previous_url = params.get_param("report.url", "")
        params.set_param("report.url", f"http://127.0.0.1:{port}")
        cr.commit()
        carrier, pickings = make_pickings(env, args.count)
        # warm-up: report assets, templates
        env["ir.actions.report"]._render_qweb_pdf(LABEL_REPORT, pickings[:1].ids)
        results = [
            ("batched (this module)", timed(batched, env, carrier, pickings)[0]),
            (
                "one render per delivery",
                timed(per_delivery, env, carrier, pickings)[0],
            ),
        ]
        cr.rollback()
        params.set_param("report.url", previous_url)
        cr.commit()

    count = args.count
    print(f"\nShipping labels for {count} deliveries (wkhtmltopdf, this machine)")
    print(f"{'mode':<26}{'total s':>10}{'ms/delivery':>14}")
    for name, seconds in results:
        print(f"{name:<26}{seconds:>10.2f}{seconds * 1000 / count:>14.1f}")
    ratio = results[1][1] / results[0][1]
    print(f"ratio per-delivery / batched: {ratio:.1f}x")


if __name__ == "__main__":
    main()

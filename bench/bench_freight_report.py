"""Benchmark: the Freight Costs report (pivot per carrier, courier service and
month: quoted, final, over and under the quote) over N booked deliveries.

Two ways, side by side, on the same rows:
- the report as shipped: a view over the delivery's stored figures
  (``stock.picking.freight.report``, read as the pivot reads it,
  ``read_group`` by carrier, service and month, one SQL query);
- the same table computed from the freight-cost records (each delivery's
  booking and last price report found with window functions), which is
  what the report would cost without the stored figures.

Usage: .venv/bin/python bench/bench_freight_report.py --db DB --conf CONF
       [--sizes 10000,100000] [--rounds 5]

The database needs delivery_carrier_freight_audit installed. Deliveries and
their two cost records each (booked, one carrier report) are copied from one
real delivery by SQL (what a year of a busy shop leaves) in one transaction
that is rolled back at the end.
"""

import statistics

from common import create_deliveries, load_registry, parse_args, superuser_env, timed

CARRIERS = 5
SERVICES = ("JNE REG", "JNT EZ", "SICEPAT REG", "ANTERAJA REG")
FIELDS = ["quoted:sum", "final:sum", "over_amount:sum", "under_amount:sum"]
GROUPBY = ["carrier_id", "service", "date:month"]

FROM_RECORDS = """
WITH ranked AS (
    SELECT c.picking_id, c.kind, c.amount, c.previous_amount, c.report_time,
           row_number() OVER (PARTITION BY c.picking_id ORDER BY c.id DESC) AS last,
           row_number() OVER (PARTITION BY c.picking_id, c.kind = 'booked'
                              ORDER BY c.id DESC) AS last_of_kind
      FROM stock_picking_freight_cost c
), per_delivery AS (
    SELECT r.picking_id,
           max(r.report_time)
               FILTER (WHERE r.kind = 'booked' AND r.last_of_kind = 1) AS booked_at,
           max(r.previous_amount)
               FILTER (WHERE r.kind = 'booked' AND r.last_of_kind = 1) AS quoted,
           max(r.amount) FILTER (WHERE r.last = 1) AS final
      FROM ranked r
     GROUP BY r.picking_id
)
SELECT p.carrier_id, concat_ws(' ', p.shipment_courier, p.shipment_service),
       date_trunc('month', d.booked_at),
       count(*), sum(d.quoted), sum(d.final),
       sum(GREATEST(d.final - d.quoted, 0)), sum(GREATEST(d.quoted - d.final, 0))
  FROM per_delivery d JOIN stock_picking p ON p.id = d.picking_id
 GROUP BY 1, 2, 3
"""


def fill(env, count):
    """`count` booked deliveries copied from one real one, spread over
    CARRIERS carriers, SERVICES and twelve months, with a booking and one
    price report each (one in five over the quote)."""
    carriers = [
        env["delivery.carrier"].create(
            {
                "name": f"Bench Carrier {index}",
                "delivery_type": "fixed",
                "fixed_price": 10.0,
                "product_id": env["product.product"]
                .create({"name": f"Bench Carrier {index}", "type": "service"})
                .id,
            }
        )
        for index in range(CARRIERS)
    ]
    template = create_deliveries(env, carriers[0], 1)
    env.flush_all()
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'stock_picking' AND column_name <> 'id'"
    )
    columns = [row[0] for row in cr.fetchall()]
    carrier_ids = f"ARRAY[{','.join(str(c.id) for c in carriers)}]"
    services = f"ARRAY[{','.join(repr(s) for s in SERVICES)}]"
    overrides = {
        "name": "'BENCH/' || n",
        "state": "'done'",
        "carrier_id": f"({carrier_ids})[1 + n %% {CARRIERS}]",
        "shipment_service": f"({services})[1 + n %% {len(SERVICES)}]",
        "freight_booked_at": "timestamp '2026-01-01' + (n %% 365) * interval '1 day'",
        "freight_quoted": "10 + n %% 7",
        "freight_booked": "10 + n %% 5",
        "freight_final": "CASE WHEN n %% 5 = 0 THEN 25 ELSE 10 + n %% 5 END",
        "freight_difference": "(CASE WHEN n %% 5 = 0 THEN 25 ELSE 10 + n %% 5 END)"
        " - (10 + n %% 7)",
    }
    select = ", ".join(overrides.get(column, f"p.{column}") for column in columns)
    cr.execute(
        f"INSERT INTO stock_picking ({', '.join(columns)}) "
        f"SELECT {select} FROM stock_picking p, generate_series(1, %s) n "
        "WHERE p.id = %s",
        [count, template.id],
    )
    cr.execute(
        """
        INSERT INTO stock_picking_freight_cost
               (picking_id, company_id, carrier_id, kind, report_time, amount,
                previous_amount, difference, shipping_fee, cod_fee, insurance_fee,
                proof_of_delivery_fee, other_fee, weight, report_key)
        SELECT p.id, p.company_id, p.carrier_id, k.kind, p.freight_booked_at,
               CASE k.kind WHEN 'booked' THEN p.freight_booked
                           ELSE p.freight_final END,
               CASE k.kind WHEN 'booked' THEN p.freight_quoted
                           ELSE p.freight_booked END,
               0, 0, 0, 0, 0, 0, 0, k.kind || p.id
          FROM stock_picking p, (VALUES ('booked'), ('report')) k(kind)
         WHERE p.name LIKE 'BENCH/%%'
        """
    )
    cr.execute("ANALYZE stock_picking")
    cr.execute("ANALYZE stock_picking_freight_cost")


def main():
    args = parse_args(__doc__, sizes=(str, "10000,100000"), rounds=(int, 5))
    registry = load_registry(args)
    print("| deliveries | way | groups | median s | SQL queries |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        with registry.cursor() as cr:
            env = superuser_env(cr)
            fill(env, size)
            Report = env["stock.picking.freight.report"]
            domain = []  # the template delivery is not booked: the bench's rows
            ways = {
                "report (stored figures)": lambda Report=Report, domain=domain: (
                    Report.read_group(domain, FIELDS, GROUPBY, lazy=False)
                ),
                "from the cost records": lambda cr=cr: (
                    cr.execute(FROM_RECORDS),
                    cr.fetchall(),
                )[1],
            }
            for way, run in ways.items():
                run()  # warm-up
                times = []
                queries = 0
                for _round in range(args.rounds):
                    before = cr.sql_log_count
                    seconds, groups = timed(run)
                    times.append(seconds)
                    queries = cr.sql_log_count - before
                print(
                    f"| {size} | {way} | {len(groups)} | "
                    f"{statistics.median(times):.3f} | {queries} |"
                )
            cr.rollback()


if __name__ == "__main__":
    main()

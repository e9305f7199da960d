"""Facts about Biteship's couriers (no Odoo import)."""

# Couriers Biteship prices and books by distance: "For Instant couriers such
# as Gojek, Grab, Paxel, Lalamove and Borzo require a coordinate to generate
# price" (https://biteship.com/id/docs/api/rates/retrieve); "If you use an
# instant courier, you must use coordinate"
# (https://biteship.com/en/docs/api/orders/create).
INSTANT_COURIERS = frozenset({"gojek", "grab", "paxel", "lalamove", "borzo"})

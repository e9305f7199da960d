from . import test_shipment
from . import test_tracking
from . import test_webhook
from . import test_portal_rpc
from . import test_concurrency
from . import test_cron_resilience
from . import test_rpc_guards
from . import test_booking_guard

from . import test_fulfilment_tracking
from . import test_watch_invoice

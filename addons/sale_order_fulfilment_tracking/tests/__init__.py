from . import test_fulfilment_tracking

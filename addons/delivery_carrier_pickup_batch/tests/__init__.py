from . import test_pickup_batch

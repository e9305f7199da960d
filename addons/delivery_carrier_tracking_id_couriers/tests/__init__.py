from . import test_couriers

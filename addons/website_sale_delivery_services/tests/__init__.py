from . import test_checkout_services

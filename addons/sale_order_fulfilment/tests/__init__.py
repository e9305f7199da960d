from . import test_payment_flow

from . import test_payment_flow
from . import test_batch
from . import test_concurrency

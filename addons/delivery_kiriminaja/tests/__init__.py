from . import test_client
from . import test_area
from . import test_rates
from . import test_checkout
from . import test_booking

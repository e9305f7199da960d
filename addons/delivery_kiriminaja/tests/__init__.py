from . import test_client
from . import test_area
from . import test_rates
from . import test_checkout
from . import test_booking
from . import test_tracking
from . import test_callback
from . import test_cancel

from . import test_returns
from . import test_return_to_sender
from . import test_labels
from . import test_portal
from . import test_i18n
from . import test_concurrency
from . import test_refund_state

from . import test_biteship_export
from . import test_biteship_payout

from . import test_biteship_freight
from . import test_biteship_price

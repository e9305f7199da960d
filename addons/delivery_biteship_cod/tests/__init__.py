from . import test_biteship_cod

from . import test_kiriminaja_cod

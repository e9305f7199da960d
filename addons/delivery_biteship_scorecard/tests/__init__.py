from . import test_biteship_scorecard

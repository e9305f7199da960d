from . import test_scorecard_rules
from . import test_scorecard

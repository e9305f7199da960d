from . import test_freight_audit
from . import test_freight_rules

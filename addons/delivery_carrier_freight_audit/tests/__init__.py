from . import test_freight_audit
from . import test_freight_roles
from . import test_freight_rules
from . import test_freight_settlement
from . import test_i18n

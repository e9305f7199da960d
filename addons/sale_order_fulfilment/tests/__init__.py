from . import test_payment_flow
from . import test_batch
from . import test_concurrency
from . import test_portal
from . import test_xmlrpc
from . import test_i18n
from . import test_invoice_email
from . import test_roles_delivery

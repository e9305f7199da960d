from . import test_client
from . import test_cron
from . import test_currency
from . import test_i18n
from . import test_idempotency
from . import test_provider
from . import test_tracking_link
from . import test_webhook

from . import res_company
from . import website
from . import res_config_settings
from . import sale_order
from . import account_move
from . import account_payment
from . import payment_transaction
from . import stock_picking

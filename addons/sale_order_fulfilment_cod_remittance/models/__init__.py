from . import res_company
from . import res_config_settings
from . import cod_remittance
from . import cod_remittance_line
from . import account_bank_statement_line
from . import account_partial_reconcile
from . import sale_order

from . import test_remittance_file
from . import test_remittance_file_reader
from . import test_remittance_plan
from . import test_payout_identity
from . import test_reconcile_queries
from . import test_statement_matching
from . import test_cod_report
from . import test_xmlrpc

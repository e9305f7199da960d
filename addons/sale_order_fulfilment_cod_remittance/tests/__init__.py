from . import test_remittance_file
from . import test_statement_matching
from . import test_cod_report
from . import test_xmlrpc

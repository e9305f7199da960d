from . import test_cod_checkout
from . import test_cod_fulfilment
from . import test_cod_xmlrpc
from . import test_cod_handover

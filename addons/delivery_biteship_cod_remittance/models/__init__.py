from . import cod_remittance
from . import sale_order

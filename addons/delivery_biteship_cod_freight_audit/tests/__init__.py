from . import test_cod_freight_quote

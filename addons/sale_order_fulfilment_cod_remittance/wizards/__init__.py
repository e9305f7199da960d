from . import cod_remittance_import

from . import cod_report

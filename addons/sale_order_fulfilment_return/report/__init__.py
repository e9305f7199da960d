from . import sale_return_report

from . import res_config_settings
from . import website

from . import tracking_page

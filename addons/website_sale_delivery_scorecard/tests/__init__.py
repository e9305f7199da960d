from . import test_checkout_badges

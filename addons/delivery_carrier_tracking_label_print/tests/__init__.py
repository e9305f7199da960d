from . import test_label_print

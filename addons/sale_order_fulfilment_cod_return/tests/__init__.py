from . import test_cod_return_to_sender

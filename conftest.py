"""The whole suite (addons and tests/).

pytest-odoo gives each pytest-xdist worker a copy of the test database but
points it at the original's filestore. Odoo 18 collects that filestore after
every test class (TransactionCase._gc_filestore): a worker then deletes the
files another worker's transaction has just written (an attachment reads
back empty). Each worker gets a copy of the filestore instead.
"""

import contextlib
import shutil
from pathlib import Path

import pytest_odoo
from odoo.tools import config


@contextlib.contextmanager
def _own_filestore(original_db_name, db_name):
    if original_db_name == db_name:
        yield
        return
    source = Path(config.filestore(original_db_name))
    copy = Path(config.filestore(db_name))
    shutil.rmtree(copy, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, copy)
    try:
        yield
    finally:
        shutil.rmtree(copy, ignore_errors=True)


pytest_odoo._shared_filestore = _own_filestore

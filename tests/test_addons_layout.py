"""Every test file of an addon is imported by its tests/__init__.py: Odoo's
own runner (odoo-bin --test-enable, make test-core) only runs those, while
pytest would collect a forgotten one anyway and hide the gap."""

import ast
from pathlib import Path

import pytest

ADDONS = Path(__file__).resolve().parent.parent / "addons"
TEST_DIRS = sorted(path.parent for path in ADDONS.glob("*/tests/__init__.py"))


def imported_modules(init):
    names = set()
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("tests_dir", TEST_DIRS, ids=lambda p: p.parent.name)
def test_every_test_file_is_imported(tests_dir):
    files = {path.stem for path in tests_dir.glob("test_*.py")}
    missing = files - imported_modules(tests_dir / "__init__.py")
    assert not missing, f"{tests_dir}/__init__.py does not import {sorted(missing)}"


def test_the_check_sees_a_missing_import(tmp_path):
    (tmp_path / "__init__.py").write_text("from . import test_a\n")
    (tmp_path / "test_a.py").write_text("")
    (tmp_path / "test_b.py").write_text("")
    with pytest.raises(AssertionError, match="test_b"):
        test_every_test_file_is_imported(tmp_path)

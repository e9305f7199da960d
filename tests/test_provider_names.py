"""The generic modules name no provider in their code (issue 20, point 5):
what a provider does reaches them through hooks named after its
delivery_type. Only comments may name one as an example; code, strings,
docstrings, XML and JS may not. Plain Python: it reads the source files."""

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = re.compile(r"biteship|kiriminaja", re.IGNORECASE)
GENERIC = re.compile(
    r"^(delivery_carrier_.+|sale_order_fulfilment.*|website_delivery_tracking"
    r"|website_sale_delivery_.+)$"
)


def generic_modules():
    return sorted(
        path
        for path in (ROOT / "addons").iterdir()
        if GENERIC.match(path.name) and (path / "__manifest__.py").exists()
    )


def python_code(text):
    """The source's tokens without comments (docstrings are code: a reader
    of the generic module's API meets them), one line each (line number,
    text)."""
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type != tokenize.COMMENT
    ]


def xml_code(text):
    return [(1, re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL))]


def js_code(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return [(1, re.sub(r"(^|\s)//[^\n]*", r"\1", text))]


READERS = {".py": python_code, ".xml": xml_code, ".js": js_code}


def provider_names(path):
    """[(line, text)] of the file's code naming a provider."""
    reader = READERS[path.suffix]
    return [
        (line, code)
        for line, code in reader(path.read_text())
        if PROVIDERS.search(code)
    ]


def test_the_reader_sees_code_not_comments(tmp_path):
    """The check finds a name in code and only there."""
    samples = {
        "a.py": '"""Like Biteship."""\n# biteship\nX = "kiriminaja"\n',
        "b.xml": "<odoo><!-- Biteship --><t t-if=\"dm.delivery_type == 'x'\"/></odoo>",
        "c.js": "// Biteship\n/* KiriminAja */\nconst url = 'http://x/biteship';\n",
    }
    found = {}
    for name, text in samples.items():
        (tmp_path / name).write_text(text)
        found[name] = provider_names(tmp_path / name)
    assert found["a.py"] == [(1, '"""Like Biteship."""'), (3, '"kiriminaja"')]
    assert found["b.xml"] == []
    assert len(found["c.js"]) == 1


@pytest.mark.parametrize("module", generic_modules(), ids=lambda path: path.name)
def test_generic_module_names_no_provider(module):
    files = [
        path
        for path in sorted(module.rglob("*"))
        if path.suffix in READERS and "node_modules" not in path.parts
    ]
    assert files
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {code.strip()[:80]}"
        for path in files
        for line, code in provider_names(path)
    ]
    assert offenders == []

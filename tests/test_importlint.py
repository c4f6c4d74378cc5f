"""The import contracts hold for Sinau, and each of our own contract types can fail.

``lint-imports`` runs the contracts in ``pyproject.toml`` (layers, no circles, late-
import reasons, private names): the first test is the same check CI runs, so a broken
layer fails the suite too. The others build a small package in a temporary folder and
show each contract type catching the fault it exists for.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

from tests.importlint import (
    LateImportReasonsContract,
    NoCirclesContract,
    PrivateNamesContract,
)

ROOT = Path(__file__).resolve().parent.parent


def test_sinau_keeps_its_import_contracts():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _package(tmp_path, monkeypatch, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return grimp.build_graph("pkg", cache_dir=None)


def _check(contract_class, graph, **options):
    return contract_class("test", {}, options).check(graph, verbose=False)


@pytest.fixture
def circle(tmp_path, monkeypatch):
    return _package(
        tmp_path,
        monkeypatch,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def late():\n    from pkg import a  # late: no circle\n",
            "pkg/c.py": "from pkg import d\n",
            "pkg/d.py": "def late():\n    from pkg import c\n",
            "pkg/e.py": (
                "def ready():\n    # an AppConfig idiom: one reason for the block\n"
                "    from pkg import a\n    from pkg import (\n        c,\n    )\n"
                "    x = 1\n    from pkg import d\n"
            ),
        },
    )


def test_a_late_import_does_not_make_a_circle_but_needs_a_reason(circle):
    assert _check(NoCirclesContract, circle).kept
    check = _check(LateImportReasonsContract, circle)
    assert not check.kept
    assert check.metadata["problems"] == [
        "pkg.d -> pkg.c (l.2) has no reason",
        "pkg.e -> pkg.d (l.8) has no reason",
    ]


def test_a_module_level_circle_breaks_the_contract(tmp_path, monkeypatch):
    graph = _package(
        tmp_path,
        monkeypatch,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "from pkg.a import x\n",
        },
    )
    check = _check(NoCirclesContract, graph)
    assert not check.kept
    assert check.metadata["problems"] == ["pkg.a <-> pkg.b <-> pkg.c"]


def test_another_apps_private_name_is_refused_and_its_own_are_not(
    tmp_path, monkeypatch
):
    graph = _package(
        tmp_path,
        monkeypatch,
        {
            "pkg/__init__.py": "",
            "pkg/one/__init__.py": "",
            "pkg/one/selectors.py": "def _outlines(): ...\ndef outlines(): ...\n",
            "pkg/one/views.py": "from .selectors import _outlines\n",
            "pkg/two/__init__.py": "",
            "pkg/two/views.py": (
                "from pkg.one import selectors\n"
                "from pkg.one.selectors import (\n    outlines,\n    _outlines,\n)\n"
                "selectors._outlines()\n"
            ),
        },
    )
    check = _check(PrivateNamesContract, graph, apps=["pkg.one", "pkg.two"])
    assert not check.kept
    assert check.metadata["problems"] == [
        "pkg.two.views (l.2) imports pkg.one.selectors._outlines",
        "pkg.two.views (l.6) uses pkg.one.selectors._outlines",
    ]

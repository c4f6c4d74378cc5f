"""The documentation stays short at the top and whole underneath: README.md is at
most 6 KB, every link in README.md and docs/ leads to a file (and heading) inside
the repository, every file path or module a code span names exists, and every
decision record has a number of its own."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DECISIONS = DOCS / "decisions"
README_MAX_BYTES = 6 * 1024

FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\".*\")?\s*$", re.M)
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>\s]+)>", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
RECORD = re.compile(r"^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
# A code span that names a file of the repository: `a/b.py`, `tests/x/` (a
# folder), `tests/a.py::test_b`, a bare `test_a.py`, or a dotted name under one
# of Sinau's packages: `lms.common.errors`, `courses.steps.CompletionStep`.
REPO_FILE = re.compile(
    r"[\w.-]+(?:/[\w.-]+)*/(?:[\w.-]+\.(?:py|md|html|toml|po|lua|txt)(?:::\w+)?)?"
)
TEST_FILE = re.compile(r"test_\w+\.py")
MODULE = re.compile(r"(?:lms|courses|assessments|content|tests)(?:\.\w+)+")
# Folders that are made at run time, not kept in the repository.
RUNTIME = ("var/", "media/", "static/", "staticfiles/", ".venv/")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def _prose(text: str) -> str:
    """`text` without fenced code blocks and code spans, where brackets are code."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def _links(path: Path) -> list[str]:
    text = _prose(path.read_text(encoding="utf-8"))
    return [
        *INLINE_LINK.findall(text),
        *REFERENCE_LINK.findall(text),
        *AUTOLINK.findall(text),
    ]


def _code_spans(path: Path) -> list[str]:
    """The code spans of `path`, outside fenced blocks, stripped."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [m.group(0).strip("`").strip() for m in CODE_SPAN.finditer(text)]


def _module_problem(name: str) -> str | None:
    """Why the dotted `name` (a module, or a module then a name defined or
    imported in it) is not in the repository; None when it is."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:end])
        source = next(
            (p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()),
            None,
        )
        if source is None:
            continue
        if end == len(parts):
            return None
        if end == 1:
            break
        attribute = parts[end]
        if re.search(rf"\b{attribute}\b", source.read_text(encoding="utf-8")):
            return None
        return f"{attribute} is not in {source.relative_to(ROOT)}"
    return "no such module"


def _path_problem(span: str) -> str | None:
    """Why the code span `span`, when it names a file, folder or module of
    the repository, names none that exists; None when it does (or names
    nothing of the repository)."""
    if MODULE.fullmatch(span):
        return _module_problem(span)
    if TEST_FILE.fullmatch(span):
        found = any((ROOT / "tests").rglob(span))
        return None if found else "no such test file"
    if not REPO_FILE.fullmatch(span) or span.startswith(RUNTIME):
        return None
    address = span.partition("::")[0]
    if not (ROOT / address).exists():
        return "no such file"
    if address.endswith("/") and not (ROOT / address).is_dir():
        return "not a folder"
    return None


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces
    to hyphens (links and code marks keep only their text)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _link_problem(source: Path, target: str) -> str | None:
    """Why `target`, linked from `source`, does not lead inside the repository;
    None when it does."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return "not a file in the repository"
    if target.startswith(("/", "~", "\\")):
        return "an absolute path"
    address, _, anchor = target.partition("#")
    resolved = (source.parent / address).resolve() if address else source
    if not resolved.is_relative_to(ROOT):
        return "outside the repository"
    if not resolved.is_file():
        return "no such file"
    if anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
        return f"no heading #{anchor} in {resolved.relative_to(ROOT)}"
    return None


def test_readme_is_at_most_6_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes"


def test_docs_hold_the_reader_documents():
    names = {p.name for p in DOCS.glob("*.md")}
    assert names >= {
        "trainers.md",
        "managers.md",
        "operating.md",
        "benchmarks.md",
        "architecture.md",
    }


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_link_leads_to_a_file_in_the_repository(document):
    problems = [
        f"{target}: {problem}"
        for target in _links(document)
        if (problem := _link_problem(document, target))
    ]
    assert problems == []


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_document_points_outside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    assert re.findall(r"\.\./shared|/work/|/home/|file://", text) == []


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_path_in_code_exists(document):
    problems = [
        f"{span}: {problem}"
        for span in _code_spans(document)
        if (problem := _path_problem(span))
    ]
    assert problems == []


def test_the_path_checker_refuses_what_it_should():
    assert _path_problem("tests/test_docs.py") is None
    assert _path_problem("tests/test_docs.py::test_readme_is_at_most_6_kb") is None
    assert _path_problem("lms/common/") is None
    assert _path_problem("test_docs.py") is None
    assert _path_problem("lms.common.errors") is None
    assert _path_problem("lms.common.errors.refusal_response") is None
    assert _path_problem("tests/nothing_here.py") == "no such file"
    assert _path_problem("lms/nothing_here/") == "no such file"
    assert _path_problem("test_nothing_here.py") == "no such test file"
    assert _path_problem("lms.nothing_here") == "no such module"
    assert _path_problem("lms.common.errors.NothingHere") is not None
    # Not a path of the repository: left alone.
    assert _path_problem("a + b") is None
    assert _path_problem("var/credential-key.pem") is None
    assert _path_problem("2.5") is None


def test_the_link_checker_refuses_what_it_should():
    readme = ROOT / "README.md"
    assert _link_problem(readme, "docs/trainers.md") is None
    assert _link_problem(readme, "docs/trainers.md#number-reading") is None
    assert _link_problem(readme, "../shared/DESIGN.md") == "outside the repository"
    assert _link_problem(readme, "/etc/hostname") == "an absolute path"
    assert _link_problem(readme, "https://example.org/") is not None
    assert _link_problem(readme, "docs/nothing-here.md") == "no such file"
    assert _link_problem(readme, "docs/trainers.md#no-such-heading") is not None
    assert _links_in("[a](b.md) `[c](d.md)` [e][f]\n\n[f]: g.md\n") == ["b.md", "g.md"]


def _links_in(text: str) -> list[str]:
    prose = _prose(text)
    return [*INLINE_LINK.findall(prose), *REFERENCE_LINK.findall(prose)]


def test_every_decision_record_has_a_number_of_its_own():
    records = [p.name for p in DECISIONS.glob("*.md") if p.name != "README.md"]
    assert records, "docs/decisions/ holds no record"
    badly_named = [name for name in records if not RECORD.match(name)]
    assert badly_named == [], "records are named NNNN-short-title.md"
    numbers = [RECORD.match(name).group(1) for name in records]
    assert sorted(numbers) == sorted(set(numbers)), sorted(numbers)


def test_every_decision_record_has_its_sections_and_is_listed():
    index = (DECISIONS / "README.md").read_text(encoding="utf-8")
    for path in sorted(DECISIONS.glob("[0-9]*.md")):
        headings = HEADING.findall(path.read_text(encoding="utf-8"))
        assert headings[1:] == ["Context", "Decision", "Consequences"], path.name
        assert f"]({path.name})" in index, f"{path.name} is not in the index"

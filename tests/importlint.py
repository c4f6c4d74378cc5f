"""Import-linter contracts of Sinau's own, beside the built-in layers contract.

Registered in ``pyproject.toml`` under ``[tool.importlinter] contract_types`` and run by
``make lint`` and ``.ci/run`` (``lint-imports``). Each reads the import graph grimp
builds (module-level and function-level imports, with line numbers) and the source files
it came from.

- ``no_circles``: no circle of module-level imports between the project's modules.
- ``late_import_reasons``: every function-level import of the project's own code carries
  a one-line reason (a comment on its line or directly above it): a late import hides a
  dependency, so it is kept only where a Wagtail or Django idiom needs it.
- ``private_names``: no app imports a ``_private`` name from another app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _source(module: str) -> Path | None:
    """The file of ``module`` here: ``a/b.py`` or ``a/b/__init__.py``, else None."""
    base = Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _render(check: ContractCheck, heading: str) -> None:
    output.print_error(heading, bold=False)
    output.new_line()
    for line in check.metadata["problems"]:
        output.print_error(f"- {line}", bold=False)
    output.new_line()


_LATE_LINES: dict[str, dict[int, int]] = {}


def _late_lines(module: str) -> dict[int, int]:
    """``{line: first line of its block}`` for ``module``'s imports that run late:
    inside a function, or under ``if TYPE_CHECKING`` (never at run time). A block is
    a run of import statements with no other statement between; its reason goes
    above its first line. grimp's ``is_lazy`` marks only PEP 810 ``lazy import``
    statements, so the nesting is read from the source here."""
    if module not in _LATE_LINES:
        path = _source(module)
        late: dict[int, int] = {}
        if path is not None:
            _collect_late(ast.parse(path.read_text()), late, nested=False)
        _LATE_LINES[module] = late
    return _LATE_LINES[module]


def _collect_late(node: ast.AST, late: dict[int, int], nested: bool) -> None:
    block_start, previous_import = 0, False
    for child in ast.iter_child_nodes(node):
        inner = nested or isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        )
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            inner = True
        is_import = isinstance(child, (ast.Import, ast.ImportFrom))
        if is_import and not previous_import:
            block_start = child.lineno
        if is_import and nested:
            late[child.lineno] = block_start
        previous_import = is_import
        _collect_late(child, late, inner)


def _details(
    graph: grimp.ImportGraph, importer: str, imported: str
) -> list[tuple[int, bool]]:
    """``(line number, first line of its block if late, else 0)`` of each import of
    ``imported`` by ``importer``."""
    late = _late_lines(importer)
    return [
        (detail["line_number"], late.get(detail["line_number"], 0))
        for detail in graph.get_import_details(importer=importer, imported=imported)
    ]


def _module_level_graph(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {module: set() for module in graph.modules}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if any(not block for _, block in _details(graph, importer, imported)):
                edges[importer].add(imported)
    return edges


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


class NoCirclesContract(Contract):
    """No circle of module-level imports among the root packages' modules."""

    type_name = "no_circles"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        problems = [
            " <-> ".join(circle) for circle in _circles(_module_level_graph(graph))
        ]
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        _render(check, "These modules import each other at module level, in a circle:")


class LateImportReasonsContract(Contract):
    """Each function-level import of the project's own code has a comment saying why."""

    type_name = "late_import_reasons"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        problems = []
        lines_of: dict[str, list[str]] = {}
        for importer in sorted(graph.modules):
            if ".migrations." in importer:
                continue  # migrations run RunPython code late, with historical models
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                for number, block in _details(graph, importer, imported):
                    if not block:
                        continue
                    if importer not in lines_of:
                        path = _source(importer)
                        lines_of[importer] = (
                            path.read_text().splitlines() if path else []
                        )
                    lines = lines_of[importer]
                    here = lines[number - 1] if number <= len(lines) else ""
                    above = lines[block - 2].strip() if block >= 2 else ""
                    if "#" not in here and not above.startswith("#"):
                        problems.append(
                            f"{importer} -> {imported} (l.{number}) has no reason"
                        )
        problems = sorted(set(problems))
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        _render(
            check,
            "Late imports need a one-line reason (a comment on or above the line), "
            "or move them to the top of the module:",
        )


class PrivateNamesContract(Contract):
    """No app imports another app's ``_private`` names.

    ``apps`` lists the apps by module prefix; a module belongs to the longest prefix it
    starts with. Checked: ``from x import _name``, and ``module._name`` where ``module``
    was imported from another app.
    """

    type_name = "private_names"

    apps = fields.ListField(subfield=fields.StringField())

    def _app(self, module: str) -> str:
        owners = [
            app for app in self.apps if module == app or module.startswith(app + ".")
        ]
        return max(owners, key=len) if owners else module.split(".")[0]

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        problems = []
        for module in sorted(graph.modules):
            path = _source(module)
            if path is None:
                continue
            problems += self._problems_in(module, path, graph.modules)
        return ContractCheck(
            kept=not problems, metadata={"problems": sorted(set(problems))}
        )

    def _problems_in(self, module: str, path: Path, modules: set[str]) -> list[str]:
        here = self._app(module)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        foreign_aliases: dict[str, str] = {}
        problems = []
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(node, package)
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    owner = target if target in modules else source
                    if owner not in modules or self._app(owner) == here:
                        continue
                    if _private(alias.name):
                        problems.append(f"{module} (l.{node.lineno}) imports {target}")
                    elif target in modules:
                        foreign_aliases[alias.asname or alias.name] = target
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if (
                        alias.asname
                        and alias.name in modules
                        and self._app(alias.name) != here
                    ):
                        foreign_aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign_aliases
                and _private(node.attr)
            ):
                target = f"{foreign_aliases[node.value.id]}.{node.attr}"
                problems.append(f"{module} (l.{node.lineno}) uses {target}")
        return problems

    def render_broken_contract(self, check: ContractCheck) -> None:
        _render(
            check,
            "These reach another app's private names (make them public or move them):",
        )


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))

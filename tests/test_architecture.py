"""The shape of the code: each concern in one home, read from the imports themselves."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT_DIR

LOCATOR_DIR = PROJECT_DIR / "locator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in LOCATOR_DIR.rglob("*.py")
        if "migrations" not in path.relative_to(LOCATOR_DIR).parts
    }


def _imports(path: Path, known: set[str]) -> dict[str, tuple[set[str], bool]]:
    """The project modules `path` imports, each with the names taken from it and whether any import of it
    sits inside a function."""
    found: dict[str, tuple[set[str], bool]] = {}

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            targets: list[tuple[str, set[str]]] = []
            if isinstance(child, ast.Import):
                targets = [(alias.name, set()) for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                targets = [(child.module, {alias.name for alias in child.names})]
                # `from locator import gazetteer` imports the module locator.gazetteer.
                targets += [(f"{child.module}.{alias.name}", set()) for alias in child.names]
            for module, names in targets:
                if module in known:
                    old_names, old_nested = found.get(module, (set(), False))
                    found[module] = (old_names | names, old_nested or in_function)
            visit(child, nested)

    visit(ast.parse(path.read_text()), False)
    return found


def _graph() -> dict[str, dict[str, tuple[set[str], bool]]]:
    modules = _modules()
    return {name: _imports(path, set(modules)) for name, path in modules.items()}


def test_no_import_cycle_among_the_projects_modules():
    graph = {name: set(imports) - {"locator"} for name, imports in _graph().items()}
    state: dict[str, str] = {}

    def cycle_from(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return path + [module, target]
            if target not in state and (found := cycle_from(target, path + [module])):
                return found
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            assert cycle_from(module, []) is None


def test_no_module_imports_another_inside_a_function():
    nested = [(name, target) for name, imports in _graph().items() for target, (_, inside) in imports.items() if inside]
    assert nested == []


def test_modules_stay_small_enough_to_read():
    sizes = {name: len(path.read_text().splitlines()) for name, path in _modules().items()}
    assert {name: lines for name, lines in sizes.items() if lines > 400} == {}
    assert sizes["locator.importing.importer"] < 350


def test_the_search_core_knows_no_geocoder_and_no_model_but_provider():
    imports = _graph()["locator.search"]
    assert "locator.geocoding" not in imports
    assert imports["locator.models"][0] == {"Provider"}


def test_the_skins_share_their_steps_through_the_selectors():
    for skin in ("locator.api.views", "locator.web.views"):
        imports = _graph()[skin]
        assert "locator.selectors" in imports
        assert "locator.geocoding" not in imports and "locator.places" in imports
        assert "provider_search" not in imports.get("locator.search", (set(), False))[0]

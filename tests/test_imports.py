"""Imports go one way: no circle, between modules or between packages, counting every import.

An import inside a function, or under `if TYPE_CHECKING:`, ties two modules as much as one at
the top: a circle through it still means neither can be understood, tested or moved without
the other. So each is counted. A circle is broken by moving the shared piece down a layer,
never by hiding the import.

The graph is grimp's (BSD-2-Clause; the engine of import-linter): it reads every import
statement of the package from its source, without importing it.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGE = "summarise"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)  # no cache: nothing written outside tmp_path


def _circles(graph: grimp.ImportGraph) -> list[str]:
    """Each circle, as "a -> b -> a": an import whose target leads back to its importer."""
    found: dict[frozenset[str], str] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                found.setdefault(frozenset(back), " -> ".join((importer, *back)))
    return sorted(found.values())


def _unit(module: str) -> str:
    """summarise.grounding.facts -> summarise.grounding: a subpackage is one unit; a module is its own."""
    return ".".join(module.split(".")[:2])


def _packages(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    units = grimp.ImportGraph()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if _unit(importer) != _unit(imported):
                units.add_import(importer=_unit(importer), imported=_unit(imported))
    return units


def test_the_graph_counts_imports_inside_functions_and_for_type_checking_only(graph: grimp.ImportGraph) -> None:
    # publish.write_brief imports the page renderer only when a page is wanted (jinja2 is slow to load);
    # language_detection names Document for the type checker only.
    assert "summarise.render.html" in graph.find_modules_directly_imported_by("summarise.render.publish")
    assert "summarise.documents" in graph.find_modules_directly_imported_by("summarise.readers.language_detection")


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    # e.g. documents -> readers -> readers.base -> documents; review -> batch.reports -> batch.runner
    # -> publish -> review; fetch -> summarise (the package, which re-exports the library) -> ... -> fetch.
    assert _circles(graph) == []


def test_no_package_imports_itself_back(graph: grimp.ImportGraph) -> None:
    # e.g. grounding -> tasks (the untranslated mark, the [n] reader, RawFact) -> grounding (its checks);
    # render -> grounding -> language_detection -> cache -> files -> render (front matter).
    assert _circles(_packages(graph)) == []

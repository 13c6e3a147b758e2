"""The package's layers import downward only (lowest first):

excel/ < model.py < workbook/ < scoring/ < rules/ < result.py, rollup.py < views/
< pipeline.py, outputs.py, batch.py < cli.py, __main__.py, web/

Every spelling of an import counts: ``import perfxl.x``, ``from perfxl.x import y``,
``from perfxl import x`` (x the module perfxl/x.py or the package perfxl/x/), relative imports
(``from . import x``, ``from ..rules import y``), at the top of a module or inside a function.
A layer named here whose module does not exist yet is placed when it appears.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "perfxl"

# Each layer: the top-level names (perfxl/<name>.py or perfxl/<name>/) it holds. perfxl/__init__.py
# (the version) is below them all.
LAYERS: list[set[str]] = [
    {"__init__"},
    {"excel"},
    {"model"},
    {"workbook"},
    {"scoring"},
    {"rules"},
    {"result"},
    {"review"},  # the reviewer's estimate: a result of the checks, below the roll-up
    {"rollup"},
    {"views"},
    {"pipeline", "outputs", "batch"},  # batch.py: the batch driver, a pipeline over many files
    {"web"},  # the web page: routes over the pipeline
    {"cli", "clitext", "__main__"},
]
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}

# Imports that still run upward, as (importing file, imported module); each entry is a defect to
# remove, never to add.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def package_modules(root: Path = PACKAGE) -> set[str]:
    """Dotted names of every module and package under ``root`` (``perfxl.rules.engine``)."""
    names = {"perfxl"}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(("perfxl",) + parts))
    return names


def module_name(rel: str) -> tuple[str, bool]:
    """``rules/engine.py`` -> (``perfxl.rules.engine``, False); ``rules/__init__.py`` -> (``perfxl.rules``, True)."""
    parts = tuple(rel.removesuffix(".py").split("/"))
    if parts[-1] == "__init__":
        return ".".join(("perfxl",) + parts[:-1]), True
    return ".".join(("perfxl",) + parts), False


def imported_modules(source: str, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The perfxl modules ``source`` (the text of ``module``) imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if alias.name.split(".")[0] == "perfxl")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[:len(package) - (node.level - 1)]
                if not base:  # above the top of the package: Python refuses it
                    continue
                parent = ".".join(base + ([node.module] if node.module else []))
            else:
                parent = node.module or ""
            if parent.split(".")[0] != "perfxl":
                continue
            for alias in node.names:
                child = f"{parent}.{alias.name}"
                found.append(child if child in known else parent)
    return found


def level_of(module: str) -> int | None:
    """The layer of a dotted perfxl module; None for a top-level name no layer holds."""
    parts = module.split(".")
    return LEVEL.get(parts[1] if len(parts) > 1 else "__init__")


def upward(files: dict[str, str], known: set[str]) -> set[tuple[str, str]]:
    """(file, imported module) for every import in ``files`` (path under perfxl/ -> source) that
    runs to a higher layer than the file's own."""
    bad = set()
    for rel, source in files.items():
        module, is_package = module_name(rel)
        own = level_of(module)
        for target in imported_modules(source, module, is_package, known):
            level = level_of(target)
            if own is not None and level is not None and level > own:
                bad.add((rel, target))
    return bad


def package_files() -> dict[str, str]:
    return {p.relative_to(PACKAGE).as_posix(): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}


def upward_imports() -> set[tuple[str, str]]:
    return upward(package_files(), package_modules())


def test_every_package_module_has_a_layer():
    for rel in package_files():
        assert level_of(module_name(rel)[0]) is not None, rel


def test_imports_run_downward_only():
    assert upward_imports() - KNOWN_UPWARD == set()


def test_known_upward_imports_are_still_real():
    """An exception that no longer exists must leave the list."""
    assert KNOWN_UPWARD <= upward_imports()


KNOWN = {"perfxl", "perfxl.excel", "perfxl.excel.show", "perfxl.model", "perfxl.workbook", "perfxl.workbook.reader",
         "perfxl.scoring", "perfxl.scoring.targets", "perfxl.rules", "perfxl.rules.engine", "perfxl.result",
         "perfxl.views", "perfxl.views.text", "perfxl.cli", "perfxl.pipeline"}


def test_the_checker_catches_every_spelling_of_an_upward_import():
    """Fake modules, each with one upward import: the checker must name every one (the real
    package has none, so without this the checks above could never be seen to fail)."""
    files = {
        "excel/a.py": "import perfxl.model\n",
        "excel/b.py": "from perfxl.rules.engine import check_model\n",
        "excel/c.py": "from perfxl import cli\n",
        "model.py": "from . import workbook\n",
        "workbook/d.py": "from ..scoring import targets\n",
        "workbook/e.py": "from ..scoring.targets import display_text\n",
        "workbook/__init__.py": "from ..rules import engine\n",
        "scoring/f.py": "def late():\n    from perfxl.result import run_checks\n    return run_checks\n",
        "result.py": "class A:\n    def m(self):\n        import perfxl.views.text\n",
        "views/g.py": "from perfxl import pipeline as p\n",
    }
    assert upward(files, KNOWN) == {
        ("excel/a.py", "perfxl.model"),
        ("excel/b.py", "perfxl.rules.engine"),
        ("excel/c.py", "perfxl.cli"),
        ("model.py", "perfxl.workbook"),
        ("workbook/d.py", "perfxl.scoring.targets"),
        ("workbook/e.py", "perfxl.scoring.targets"),
        ("workbook/__init__.py", "perfxl.rules.engine"),
        ("scoring/f.py", "perfxl.result"),
        ("result.py", "perfxl.views.text"),
        ("views/g.py", "perfxl.pipeline"),
    }


def test_the_checker_lets_downward_and_same_layer_imports_pass():
    files = {
        "rules/h.py": "from perfxl import model\nfrom . import engine\nfrom ..excel.show import num\n"
                      "from perfxl import __version__\nimport os\nfrom collections import Counter\n",
        "views/text.py": "from ..result import CheckResult\nfrom .. import scoring\n",
        "cli.py": "from perfxl import pipeline, views\n",
    }
    assert upward(files, KNOWN) == set()

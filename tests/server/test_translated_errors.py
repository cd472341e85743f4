"""Every domain error an officer can read is marked for translation (issue 20).

The apps' services raise :class:`~openbmis.core.errors.DomainError` subclasses whose message the API returns as
``detail`` and the pages show beside the field. This test reads the apps' sources with :mod:`ast` and fails
when such an error is made with a plain string, an f-string or a string built by ``+``/``%`` without gettext,
or when gettext is given a string built in place (``_(f"...")`` cannot be extracted by makemessages).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.paths import REPO_ROOT

from openbmis.core import errors

SRC = REPO_ROOT / "src" / "openbmis"

# The Django apps whose services raise the errors (the pure libraries raise their own errors and stay English).
APPS = ("permits", "watchlists", "inspections", "travellers", "accounts", "manifests", "capacity", "documents",
        "network", "retention", "borderposts", "trust", "statistics", "audit")
# gettext function -> how many of its first arguments are texts that must be literals (msgids, context)
GETTEXT = {"_": 1, "gettext": 1, "gettext_lazy": 1, "ngettext": 2, "ngettext_lazy": 2, "pgettext": 2, "npgettext": 3}

#: (path under src/openbmis, the start of the message) -> why it stays English. Keep it short: an entry
#: is a message no officer reads (a developer's or a machine's).
EXEMPT: dict[tuple[str, str], str] = {}


def _error_names() -> set[str]:
    """The names of DomainError and every subclass of it that the project defines."""
    import openbmis.core.installation  # noqa: F401  (defines ReadOnlyAtNode)
    import openbmis.documents.bundle  # noqa: F401  (defines BundleRefused)

    found, todo = set(), [errors.DomainError]
    while todo:
        kind = todo.pop()
        found.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return found


def _is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT


def _is_text(node: ast.AST) -> bool:
    """A string written in the code: a literal, an f-string, or one of them joined with + or formatted with %."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_text(node.left) or (isinstance(node.op, ast.Add) and _is_text(node.right))
    return False


def problems_in(source: str, names: set[str], where: str = "<source>") -> list[str]:
    """The untranslated messages of domain errors made in ``source``, as ``where:line: message``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _is_gettext(node):
            assert isinstance(node, ast.Call)
            literal = node.args[:GETTEXT[node.func.id]]  # type: ignore[attr-defined]
            # a text built in place cannot be extracted (a name holding a gettext_noop text can)
            if any(isinstance(arg, (ast.JoinedStr, ast.BinOp)) for arg in literal):
                found.append(f"{where}:{node.lineno}: gettext of a non-literal: {ast.unparse(node)[:80]}")
            continue
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in names:
            continue
        message = node.args[0]
        if _is_text(message):
            text = ast.unparse(message)
            if not any(where.endswith(path) and text.lstrip("f").strip("'\"").startswith(start)
                       for path, start in EXEMPT):
                found.append(f"{where}:{node.lineno}: {name}({text[:80]})")
    return found


def test_every_domain_error_in_the_apps_is_translated():
    names = _error_names()
    assert {"InvalidInput", "NotFound", "AccessDenied", "Conflict", "BundleRefused"} <= names
    found, sites = [], 0
    for app in APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            where = str(path.relative_to(SRC))
            tree = ast.parse(source)
            sites += sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args
                         and getattr(node.func, "id", getattr(node.func, "attr", "")) in names)
            found += problems_in(source, names, where)
    assert sites > 300, f"only {sites} domain errors found: has the layout changed?"
    assert not found, "domain errors with a message not marked for translation:\n" + "\n".join(found)


@pytest.mark.parametrize("code", [
    'raise InvalidInput("a reason is required", field="reason")',
    'raise NotFound(f"no traveller {traveller_id}")',
    'raise Conflict("some records could not be erased: " + ", ".join(names))',
    'raise InvalidInput("line %d is wrong" % number)',
    'raise errors.AccessDenied(f"no access to {code}")',
    'raise InvalidInput(_(f"no traveller {traveller_id}"))',
])
def test_the_check_finds_an_untranslated_message(code):
    assert problems_in(code, _error_names())


@pytest.mark.parametrize("code", [
    'raise InvalidInput(_("a reason is required"), field="reason")',
    'raise NotFound(gettext("no traveller %(id)s") % {"id": traveller_id})',
    'raise InvalidInput(ngettext("%(n)d bad row", "%(n)d bad rows", n) % {"n": n})',
    'raise InvalidInput(exc.message, field=exc.field)',
    'raise ValueError(f"not a domain error {x}")',
])
def test_the_check_accepts_a_translated_message(code):
    assert problems_in(code, _error_names()) == []


def test_the_apps_listed_exist():
    assert all(Path(SRC / app / "__init__.py").is_file() for app in APPS)

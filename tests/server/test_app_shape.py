"""Every app has the shape docs/architecture.md describes ("One shape for every app"), so that the next engineer
finds each part where the other apps keep it (issue 21)."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "openbmis"
TESTS = Path(__file__).resolve().parents[1]
# Every domain app: its models, its write path, its API, its pages, their URLs, its templates and its tests.
REQUIRED = ("models", "services", "api", "views", "urls")
# Apps that are infrastructure, not a domain, with the reason.
NOT_A_DOMAIN_APP = {
    "core": "ids, errors, middleware, the installation's identity, retention and sealing mechanics: no domain of "
            "its own, no API (its only page is /health)",
}


def _app_names() -> list[str]:
    return sorted(config.name.split(".", 1)[1] for config in apps.get_app_configs()
                  if config.name.startswith("openbmis."))


def _has(app: str, part: str) -> bool:
    return (SRC / app / f"{part}.py").is_file() or (SRC / app / part / "__init__.py").is_file()


def test_every_domain_app_has_the_documented_shape():
    problems = []
    for app in _app_names():
        if app in NOT_A_DOMAIN_APP:
            continue
        problems += [f"{app}: no {part} module" for part in REQUIRED if not _has(app, part)]
        if not (SRC / app / "templates" / app).is_dir():
            problems.append(f"{app}: no templates/{app}/")
        if not any((TESTS / app).glob("test_*.py")):
            problems.append(f"{app}: no tests/{app}/")
    assert not problems, "\n".join(problems)


def test_checkers_live_in_their_apps_checkers_module():
    """A capability's inspection checks are in ``<app>/checkers.py`` (documents' fraud alerts in its matching
    module, which also serves the examiners' pages)."""
    from openbmis.inspections import checks

    places = {code: checker.__module__ for code in checks.SLOTS if (checker := checks.registered(code)) is not None}
    assert len(places) >= 10, places  # every slot but none is filled in this installation
    wrong = {code: m for code, m in places.items() if not m.endswith(".checkers") and m != "openbmis.documents.matching"}
    assert not wrong, wrong


def test_the_architecture_page_lists_every_app():
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text()
    missing = [app for app in _app_names() if f"  {app}/" not in text and f" {app}/ " not in text]
    assert not missing, f"docs/architecture.md does not describe: {missing}"

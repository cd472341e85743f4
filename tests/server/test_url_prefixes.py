"""server/urls.py gives every app its URL prefix(es) and the apps' own URL lists are relative to them (issue 21):
a page is found under the prefix of the app that serves it, and two apps never answer under one prefix."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.urls import URLPattern, URLResolver

from openbmis.server import urls as server_urls


def _app_labels() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("openbmis.")}


def _mounts() -> dict[str, dict[str, list[URLPattern | URLResolver]]]:
    """{app: {prefix: its relative patterns}} as server/urls.py includes them: ``path("prefix/", include(app))``,
    or ``mounted(app, {prefix: patterns, ...})`` for an app under several prefixes."""
    mounts: dict[str, dict[str, list[URLPattern | URLResolver]]] = {}
    for entry in server_urls.urlpatterns:
        if not isinstance(entry, URLResolver) or entry.app_name not in _app_labels():
            continue  # the home page, the language switch and the API (its paths are the API's routers')
        assert entry.app_name not in mounts, f"{entry.app_name} is included twice; use mounted() for two prefixes"
        if str(entry.pattern):
            mounts[entry.app_name] = {str(entry.pattern): entry.url_patterns}
            continue
        groups = {}
        for child in entry.url_patterns:
            assert isinstance(child, URLResolver) and str(child.pattern), (
                f"{entry.app_name}: {child.pattern!r} has no prefix given by server/urls.py")
            groups[str(child.pattern)] = child.url_patterns
        mounts[entry.app_name] = groups
    return mounts


def _leaves(patterns: list[URLPattern | URLResolver], prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _leaves(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_app_with_pages_is_included_under_a_prefix():
    with_urls = set()
    for label in _app_labels():
        try:
            import_module(f"openbmis.{label}.urls")
        except ModuleNotFoundError:
            continue
        with_urls.add(label)
    assert with_urls - set(_mounts()) == set(), "apps whose pages server/urls.py does not include"
    assert {"travellers", "inspections", "watchlists"} <= set(_mounts())


def test_only_the_home_page_and_the_apps_mounts_sit_at_the_root():
    at_root = [entry for entry in server_urls.urlpatterns if not str(entry.pattern)]
    pages = [entry for entry in at_root if isinstance(entry, URLPattern)]
    assert [page.name for page in pages] == ["home"]
    for entry in at_root:
        if isinstance(entry, URLResolver):
            assert entry.app_name in _app_labels()
            assert all(isinstance(child, URLResolver) and str(child.pattern) for child in entry.url_patterns)


def test_each_apps_pages_are_its_own_and_under_its_prefixes():
    problems = []
    for app, groups in _mounts().items():
        for prefix, patterns in groups.items():
            for route, pattern in _leaves(patterns):
                if route.startswith(prefix):
                    problems.append(f"{app}: {route!r} restates its prefix {prefix!r} (the list must be relative)")
                module = pattern.callback.__module__
                if not module.startswith(f"openbmis.{app}."):
                    problems.append(f"{app}: /{prefix}{route} is served by {module}, another app's view")
    assert not problems, "\n".join(problems)


def test_no_two_apps_share_a_prefix():
    owner: dict[str, str] = {}
    clashes = []
    for app, groups in _mounts().items():
        for prefix in groups:
            segment = prefix.split("/")[0]
            if segment in owner and owner[segment] != app:
                clashes.append(f"{segment!r}: {owner[segment]} and {app}")
            owner[segment] = app
    assert not clashes, clashes
    assert owner["travellers"] == "travellers" and owner["inspect"] == owner["secondary"] == "inspections"


def test_the_traveller_pages_are_reversed_in_the_travellers_namespace():
    from django.urls import reverse

    some = "0b1f0000-0000-7000-8000-000000000001"
    assert reverse("travellers:search") == "/travellers/"
    assert reverse("travellers:detail", args=[some]) == f"/travellers/{some}/"
    assert reverse("travellers:merge", args=[some]) == f"/travellers/{some}/merge"
    assert reverse("travellers:split", args=[some]) == f"/travellers/documents/{some}/split"
    assert reverse("inspections:queue") == "/secondary/" and reverse("inspections:stay") == "/stay/"
    assert reverse("core:health") == "/health"

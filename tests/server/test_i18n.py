"""Every UI string goes through gettext; the language switcher changes the interface.

Every configured language but English (settings.LANGUAGES) has a complete catalogue: a string marked for
translation anywhere in the package that has no translation in one of them fails
``test_every_marked_string_is_translated``. To fix it, from src/openbmis run ``django-admin makemessages -l <code>``
(DJANGO_SETTINGS_MODULE=openbmis.server.settings), translate the new entries, then ``django-admin compilemessages``.
A configured language whose catalogue (locale/<code>/LC_MESSAGES/django.po) does not exist yet is skipped, saying so.
"""

from __future__ import annotations

import ast
import gettext
import html
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

import openbmis

PACKAGE_DIR = Path(openbmis.__file__).resolve().parent
# English is the source language (the msgids); every other configured language needs a whole catalogue.
TRANSLATED = [code for code, _name in django_settings.LANGUAGES if code != "en"]


def catalogue(code: str) -> Path:
    """The committed django.po of language ``code``; skips the test when that catalogue does not exist yet."""
    po = PACKAGE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"
    if not po.is_file():
        pytest.skip(f"language {code!r} is configured (settings.LANGUAGES) but its catalogue {po} does not exist yet; "
                    f"create it with makemessages -l {code} and translate it")
    return po


def nplurals(entries: list[Entry]) -> int:
    """The number of plural forms the header of a catalogue declares (Plural-Forms: nplurals=N; ...)."""
    header = next(entry for entry in entries if entry.msgid == "" and entry.msgctxt is None)
    for line in header.msgstr[0].splitlines():
        if line.startswith("Plural-Forms:"):
            return int(line.split("nplurals=")[1].split(";")[0])
    raise AssertionError("the header of the catalogue has no Plural-Forms line")
# makemessages runs xgettext, msguniq and msgmerge; compilemessages runs msgfmt.
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgfmt")
_absent_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
needs_gettext = pytest.mark.skipif(
    bool(_absent_tools),
    reason=f"GNU gettext tools not installed ({', '.join(_absent_tools)}); CI installs them (apt-get install gettext)",
)
# The files makemessages reads for the "django" domain (templates, Python, text templates).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def test_language_switcher_changes_the_interface(session_client, make_user, two_posts):
    client = session_client(make_user("administrator"))
    page = client.get("/border-posts/")
    assert b"Border posts" in page.content
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/border-posts/"})
    assert response.status_code == 302
    page = client.get("/border-posts/")
    assert "Postes frontières".encode() in page.content
    assert b'lang="fr"' in page.content


def test_login_page_in_french_by_header(client, db):
    page = client.get("/account/login/", headers={"Accept-Language": "fr"})
    assert b"Se connecter" in page.content


def test_static_assets_are_served_from_the_package(client, db):
    """Every asset is vendored and served by the application itself (posts are often offline)."""
    for path in ("/static/openbmis/app.css", "/static/openbmis/counter.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content if response.streaming else [response.content])


# --- the catalogues of the configured languages -----------------------------------------------------

@dataclass
class Entry:
    """One message of a PO file, as much of it as these tests need."""

    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"line {self.line} ({', '.join(self.references[:2]) or 'no reference'})"


def read_po(path: Path) -> list[Entry]:
    """The live (not obsolete) entries of the PO file at ``path``, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which string the continuation lines extend

    def start(number: int) -> Entry:
        entry = Entry(line=number)
        entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            # A blank line ends an entry; obsolete entries (#~) are not part of the catalogue.
            if not line:
                current, target = None, None
            continue
        if line.startswith("#"):
            if current is None or target is not None:
                current, target = start(number), None
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise AssertionError(f"{path}:{number}: a continuation line outside any entry")
            value = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
            continue
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and (current is None or (target is not None and target[0] == "msgstr")):
            current = start(number)
        if current is None:
            raise AssertionError(f"{path}:{number}: {keyword} outside any entry")
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index] = value
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            target = (keyword, 0)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {line!r}")
    return entries


def untranslated(entries: list[Entry], plural_forms: int = 2) -> list[str]:
    """Entries with no usable translation: an empty form, a fuzzy flag, or a missing plural form (a language has
    ``plural_forms`` of them: 2 in French, Spanish and Portuguese, 6 in Arabic)."""
    problems = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # the header
        forms = plural_forms if entry.msgid_plural is not None else 1
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.msgid!r} is fuzzy, {entry.where}")
        elif len(entry.msgstr) != forms or not all(entry.msgstr.get(i, "").strip() for i in range(forms)):
            problems.append(f"{entry.msgid!r} has no translation, {entry.where}")
    return problems


def test_every_language_but_english_is_configured_by_default():
    """The five languages of the deployments (Arabic right to left) are offered unless OPENBMIS_LANGUAGES narrows."""
    from openbmis.server import config

    assert config.DEFAULT_LANGUAGES == ("en", "fr", "ar", "es", "pt")
    assert set(config.DEFAULT_LANGUAGES) <= set(config.KNOWN_LANGUAGES)


# The plural rule each catalogue must declare (the one GNU gettext documents for the language).
PLURAL_RULES = {
    "fr": "nplurals=2; plural=(n > 1);",
    "pt": "nplurals=2; plural=(n != 1);",  # European Portuguese: 0 is plural (Brazilian usage would be n > 1)
    "es": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_has_no_empty_or_fuzzy_entry(code):
    po = catalogue(code)
    entries = read_po(po)
    header = next(entry for entry in entries if entry.msgid == "" and entry.msgctxt is None)
    assert f"Language: {code}\n" in header.msgstr[0], f"the header of {po} must say Language: {code}"
    if code in PLURAL_RULES:
        declared = header.msgstr[0].replace(" ", "")
        assert PLURAL_RULES[code].replace(" ", "") in declared, f"{po}: Plural-Forms must be {PLURAL_RULES[code]}"
    assert len(entries) > 500, f"{po} looks truncated"
    problems = untranslated(entries, nplurals(entries))
    assert not problems, f"{po}:\n" + "\n".join(problems)


def test_the_po_reader_finds_what_is_missing(tmp_path):
    """The reader these tests rely on does see an empty, a fuzzy and a half-translated plural entry."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#: a.py:1\nmsgid "Done"\nmsgstr "Fait"\n\n'
        '#: a.py:2\nmsgid "Empty"\nmsgstr ""\n\n'
        '#: a.py:3\n#, fuzzy, python-format\n#| msgid "Old %(n)s"\nmsgid "New %(n)s"\nmsgstr "Ancien %(n)s"\n\n'
        '#: a.py:4\nmsgid "%(n)s file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "%(n)s fichier"\nmsgstr[1] ""\n\n'
        '#: a.py:5\nmsgid ""\n"Two "\n"lines"\nmsgstr ""\n"Deux "\n"lignes"\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [entry.msgid for entry in entries] == ["", "Done", "Empty", "New %(n)s", "%(n)s file", "Two lines"]
    assert entries[-1].msgstr == {0: "Deux lignes"}
    problems = untranslated(entries)
    assert [problem.split(" ")[0] for problem in problems] == ["'Empty'", "'New", "'%(n)s"]
    # Arabic has six plural forms: two filled ones are not enough.
    assert [problem.split(" ")[0] for problem in untranslated(entries[:2] + [Entry(
        line=9, msgid="%(n)s day", msgid_plural="%(n)s days", msgstr={0: "a", 1: "b"})], 6)] == ["'%(n)s"]


def _source_copy(destination: Path) -> Path:
    """A copy of the package's translatable sources and of its locale folder, for makemessages to work in."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        here = Path(directory)
        return [name for name in names
                if name == "__pycache__" or name.startswith(".")
                or ((here / name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES | {".po"})]

    copy = destination / "openbmis"
    shutil.copytree(PACKAGE_DIR, copy, ignore=ignore)
    return copy


@needs_gettext
@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_string_is_translated(code, tmp_path, settings, monkeypatch):
    """makemessages over a copy of the sources, merged into a copy of the committed catalogue, adds nothing
    untranslated: every string marked in a template or in Python has its translation committed."""
    po = catalogue(code)
    committed = po.read_bytes()
    copy = _source_copy(tmp_path)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=[code], verbosity=0)
    entries = read_po(copy / "locale" / code / "LC_MESSAGES" / "django.po")
    problems = untranslated(entries, nplurals(entries))
    assert not problems, (
        f"strings marked for translation without a translation in src/openbmis/locale/{code}/LC_MESSAGES/"
        f"django.po (run makemessages -l {code} from src/openbmis, translate, compilemessages); line numbers are "
        "those of the merged copy:\n" + "\n".join(problems))
    assert po.read_bytes() == committed, "makemessages must work on the copy, not on the package"


@needs_gettext
@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_up_to_date(code, tmp_path):
    """django.mo is what compilemessages makes of django.po today, and the placeholders agree."""
    po = catalogue(code)
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing (run compilemessages -l {code})"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", str(fresh), str(po)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"msgfmt --check-format {po}:\n{result.stderr}"
    with fresh.open("rb") as new, mo.open("rb") as committed:
        # _catalog is the whole parsed .mo (msgid -> msgstr); comparing it ignores msgfmt's layout choices.
        expected = gettext.GNUTranslations(new)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    stale = sorted(repr(key) for key in expected.keys() ^ actual.keys()) + sorted(
        repr(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key])
    assert not stale, f"{mo} is out of date with django.po (run compilemessages): {', '.join(stale[:10])}"


# --- pages in French -----------------------------------------------------------------------------------

def _in_french(client, path: str) -> str:
    """The page at ``path`` after choosing French with the language switcher, HTML entities decoded."""
    response = client.post("/i18n/setlang/", {"language": "fr", "next": path})
    assert response.status_code == 302
    page = client.get(path)
    assert page.status_code == 200, path
    assert b'lang="fr"' in page.content
    return html.unescape(page.content.decode())


def test_login_page_in_french(client, db):
    text = _in_french(client, "/account/login/")
    for french in ("Se connecter", "Nom d'utilisateur", "Mot de passe"):
        assert french in text
    assert "Username" not in text and "Password" not in text


@pytest.mark.parametrize(("path", "roles", "french", "english"), [
    ("/inspect/", ("primary_officer",),
     ("Contrôle de première ligne", "Lire et contrôler", "Saisir le document à la main", "Mode de transport",
      "ZLA (MRZ)", "Guichet"),
     ("Primary inspection", "Read and check", "Enter the document by hand", "Travel mode")),
    ("/overstays/", ("supervisor",),
     ("Dépassements de séjour", "Filtrer", "Jours de dépassement", "Poste d'entrée", "Exporter en CSV"),
     ("Overstays", "Days over", "Post of entry", "Export CSV")),
    ("/statistics/", ("analyst",),
     ("Statistiques migratoires", "Intervalle", "Tous les postes", "Appliquer", "Rapport mensuel (PDF)",
      "Flux net"),
     ("Migration statistics", "All posts", "Apply", "Monthly report", "Net flow")),
    ("/watchlists/", ("administrator",),
     ("Listes de surveillance", "Nouvelle liste de surveillance", "Seuil", "Propriétaire",
      "Aucune liste de surveillance pour l'instant."),
     ("Watchlists", "New watchlist", "Threshold", "Owner", "No watchlists yet.")),
])
def test_pages_render_in_french(session_client, make_user, two_posts, path, roles, french, english):
    user = make_user()
    from openbmis.accounts import services

    for role in roles:
        # Officers work at a post; the others here hold their role nationally.
        services.assign_role("test", user, role, two_posts[0] if role == "primary_officer" else None)
    text = _in_french(session_client(user), path)
    missing = [phrase for phrase in french if phrase not in text]
    assert not missing, f"{path}: French phrases not found: {missing}"
    left = [phrase for phrase in english if phrase in text]
    assert not left, f"{path}: English left in the French page: {left}"


# --- right to left -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_arabic_pages_are_right_to_left(session_client, make_user, two_posts, code, direction):
    """The base template sets the direction from the language (Django's bidi list), so every page mirrors."""
    client = session_client(make_user("administrator"))
    response = client.post("/i18n/setlang/", {"language": code, "next": "/border-posts/"})
    assert response.status_code == 302
    page = client.get("/border-posts/")
    assert f'<html lang="{code}" dir="{direction}">'.encode() in page.content


def test_the_stylesheet_uses_logical_properties():
    """Physical left/right in the shared stylesheet would not mirror in Arabic; MRZ text stays left to right."""
    import re

    css = (PACKAGE_DIR / "static" / "openbmis" / "app.css").read_text(encoding="utf-8")
    # Rules scoped to [dir="rtl"] are the deliberate exceptions (left-aligned MRZ in an Arabic page).
    general = "\n".join(line for line in css.splitlines() if not line.lstrip().startswith('[dir="rtl"]'))
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)"
                          r"|float:\s*(?:left|right)", general)
    assert not physical, physical
    assert re.search(r"textarea\.mrz[^{]*\{[^}]*direction:\s*ltr", css)

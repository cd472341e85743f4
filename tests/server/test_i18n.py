"""Every UI string goes through gettext; the language switcher changes the interface."""

from __future__ import annotations


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

"""The watchlists' pages, one list per prefix that server/urls.py gives them, all reversed as ``watchlists:``."""

from django.urls import path

from openbmis.watchlists import views

app_name = "watchlists"
# watchlists/: the lists and their imports
watchlists = [
    path("", views.watchlist_list, name="list"),
    path("new/", views.watchlist_new, name="new"),
    path("<uuid:watchlist_id>/", views.watchlist_detail, name="detail"),
    path("<uuid:watchlist_id>/import/", views.import_upload, name="import"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:import_id>/commit/", views.import_commit, name="import_commit"),
]
# hits/: the hits to adjudicate
hits = [
    path("", views.hit_queue, name="hits"),
    path("<uuid:hit_id>/", views.hit_detail, name="hit"),
]
# screening/: a search against the lists
screening = [
    path("search/", views.search, name="search"),
]

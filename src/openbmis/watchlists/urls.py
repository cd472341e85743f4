from django.urls import path

from openbmis.watchlists import views

app_name = "watchlists"
urlpatterns = [
    path("watchlists/", views.watchlist_list, name="list"),
    path("watchlists/new/", views.watchlist_new, name="new"),
    path("watchlists/<uuid:watchlist_id>/", views.watchlist_detail, name="detail"),
    path("watchlists/<uuid:watchlist_id>/import/", views.import_upload, name="import"),
    path("watchlists/imports/<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("watchlists/imports/<uuid:import_id>/commit/", views.import_commit, name="import_commit"),
    path("hits/", views.hit_queue, name="hits"),
    path("hits/<uuid:hit_id>/", views.hit_detail, name="hit"),
    path("screening/search/", views.search, name="search"),
]

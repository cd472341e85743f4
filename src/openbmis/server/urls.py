"""Every URL of the project: the prefix of each app's pages is given here, the apps' own lists are relative."""

from collections.abc import Sequence
from types import ModuleType

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path

from openbmis.capacity import urls as capacity
from openbmis.inspections import urls as inspections
from openbmis.permits import urls as permits
from openbmis.server import views
from openbmis.server.api import api
from openbmis.watchlists import urls as watchlists


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """An unknown /api/... path answers the JSON error API clients expect, in development mode too."""
    return JsonResponse({"code": "not_found", "detail": f"no API endpoint at {request.path}; see /api/docs"},
                        status=404)


def mounted(urls: ModuleType, prefixes: dict[str, Sequence[URLPattern | URLResolver]]) -> URLResolver:
    """An app whose pages live under several prefixes: each of its lists under the prefix given here, all of them
    reversed in the app's one namespace (``inspections:queue`` under ``secondary/``)."""
    return path("", include(([path(prefix, include(list(patterns))) for prefix, patterns in prefixes.items()],
                             urls.app_name)))


# Every prefix is given here, and the apps' URL lists are relative to it (tests/server/test_url_prefixes.py).
urlpatterns = [
    path("", views.home, name="home"),
    path("health", include("openbmis.core.urls")),
    path("account/", include("openbmis.accounts.urls")),
    path("border-posts/", include("openbmis.borderposts.urls")),
    path("audit/", include("openbmis.audit.urls")),
    path("retention/", include("openbmis.retention.urls")),
    path("trust/", include("openbmis.trust.urls")),
    mounted(inspections, {"inspect/": inspections.inspect, "secondary/": inspections.secondary,
                          "work/": inspections.work, "stay/": inspections.stay}),
    path("travellers/", include("openbmis.travellers.urls")),
    mounted(watchlists, {"watchlists/": watchlists.watchlists, "hits/": watchlists.hits,
                         "screening/": watchlists.screening}),
    mounted(permits, {"permits/": permits.permits, "overstays/": permits.overstays}),
    path("statistics/", include("openbmis.statistics.urls")),
    path("network/", include("openbmis.network.urls")),
    path("manifests/", include("openbmis.manifests.urls")),
    mounted(capacity, {"capacity/": capacity.capacity, "training/": capacity.training}),
    path("documents/", include("openbmis.documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^api/$", api_not_found),  # the API's root has no endpoint (ninja would answer an HTML 404)
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
]

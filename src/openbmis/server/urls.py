from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from openbmis.server import views
from openbmis.server.api import api


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """An unknown /api/... path answers the JSON error API clients expect, in development mode too."""
    return JsonResponse({"code": "not_found", "detail": f"no API endpoint at {request.path}; see /api/docs"},
                        status=404)


urlpatterns = [
    path("", views.home, name="home"),
    path("", include("openbmis.core.urls")),
    path("account/", include("openbmis.accounts.urls")),
    path("border-posts/", include("openbmis.borderposts.urls")),
    path("audit/", include("openbmis.audit.urls")),
    path("retention/", include("openbmis.retention.urls")),
    path("trust/", include("openbmis.trust.urls")),
    path("", include("openbmis.inspections.urls")),
    path("", include("openbmis.travellers.urls")),
    path("", include("openbmis.watchlists.urls")),
    path("", include("openbmis.permits.urls")),
    path("statistics/", include("openbmis.statistics.urls")),
    path("network/", include("openbmis.network.urls")),
    path("", include("openbmis.manifests.urls")),
    path("", include("openbmis.capacity.urls")),
    path("", include("openbmis.documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^api/$", api_not_found),  # the API's root has no endpoint (ninja would answer an HTML 404)
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
]

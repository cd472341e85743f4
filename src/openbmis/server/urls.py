from django.urls import include, path

from openbmis.server.api import api

urlpatterns = [
    path("", include("openbmis.core.urls")),
    path("account/", include("openbmis.accounts.urls")),
    path("border-posts/", include("openbmis.borderposts.urls")),
    path("audit/", include("openbmis.audit.urls")),
    path("trust/", include("openbmis.trust.urls")),
    path("", include("openbmis.inspections.urls")),
    path("", include("openbmis.watchlists.urls")),
    path("", include("openbmis.permits.urls")),
    path("statistics/", include("openbmis.statistics.urls")),
    path("", include("openbmis.capacity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]

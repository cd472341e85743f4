"""The operator's page at headquarters: every border-post node and how its synchronisation stands."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openbmis.accounts.decorators import permission_required
from openbmis.core import installation
from openbmis.network import services


@permission_required("network.view")
def node_list(request: HttpRequest) -> HttpResponse:
    nodes = services.node_views()
    return render(request, "network/list.html", {
        "nodes": nodes, "feed_head": services.feed_head(), "is_hq": installation.is_hq(),
        "installation": installation.configured(), "stale": sum(1 for view in nodes if view.stale),
    })

"""The operator's page at headquarters: every border-post node and how its synchronisation stands; revoking a
node and issuing a one-time enrolment code for a post (through the services, which audit both)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from openbmis.accounts.decorators import permission_required
from openbmis.borderposts.models import BorderPost
from openbmis.core import installation
from openbmis.core.errors import DomainError
from openbmis.network import services


class CodeForm(forms.Form):
    border_post = forms.ModelChoiceField(queryset=BorderPost.objects.none(), to_field_name="code",
                                         label=gettext_lazy("Border post"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["border_post"]
        field.queryset = BorderPost.objects.order_by("code")  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=500, label=gettext_lazy("Reason"))


def _refuse_at_node(what: str) -> None:
    """Nodes are known at headquarters only: at a node the page is refused like any write there (409)."""
    installation.require_hq(what)


@permission_required("network.view")
@require_http_methods(["GET", "HEAD"])
def node_list(request: HttpRequest) -> HttpResponse:
    _refuse_at_node("the list of border-post nodes")
    nodes = services.node_views()
    return render(request, "network/list.html", {
        "nodes": nodes, "feed_head": services.feed_head(), "stale": sum(1 for view in nodes if view.stale),
        "code_form": CodeForm(), "revoke_form": RevokeForm(),
    })


@permission_required("network.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def issue_code(request: HttpRequest) -> HttpResponse:
    """The form for a post's one-time enrolment code; the code is shown once, in the answer to the POST, and
    only its hash is kept."""
    _refuse_at_node("issuing an enrolment code")
    form = CodeForm(request.POST or None)
    code = None
    post = None
    if request.method == "POST" and form.is_valid():
        post = form.cleaned_data["border_post"]
        code = services.issue_enrolment_code(request.user, post.code)
        form = CodeForm()
    response = render(request, "network/code.html", {"form": form, "code": code, "post": post})
    if code:
        response["Cache-Control"] = "no-store"  # the code is shown once: no copy in a cache
    return response


@permission_required("network.manage")
@require_POST
def revoke(request: HttpRequest, node_id: str) -> HttpResponse:
    _refuse_at_node("revoking a node")
    node = services.get_node(node_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to revoke a node."))
        return redirect("network:nodes")
    try:
        services.revoke(request.user, node, form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("network:nodes")
    messages.success(request, _("The node of %(post)s is revoked: its next exchange is refused.")
                     % {"post": node.border_post.code})
    return redirect("network:nodes")

"""Border posts in the UI: everyone sees the posts in their scope; administrators edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.borderposts import services
from openbmis.borderposts.forms import BorderPostForm
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import DomainError

# Panels other apps add to a post's page: each takes (request, post) and returns {"template", ...context} or
# None (nothing to show, or the reader may not see it). Registered in AppConfig.ready().
PostPanel = Callable[[HttpRequest, BorderPost], dict[str, Any] | None]
POST_PANELS: list[PostPanel] = []


def register_post_panel(panel: PostPanel) -> None:
    if panel not in POST_PANELS:
        POST_PANELS.append(panel)


@permission_required("borderposts.view")
def post_list(request: HttpRequest) -> HttpResponse:
    scope = authz.post_scope(request.user, "borderposts.view")
    posts = BorderPost.objects.prefetch_related("lanes")
    if not isinstance(scope, authz.AllPosts):
        posts = posts.filter(id__in=scope)
    can_manage = authz.has_permission(request.user, "borderposts.manage")
    return render(request, "borderposts/list.html", {"posts": posts, "can_manage": can_manage})


@permission_required("borderposts.view")
def post_detail(request: HttpRequest, code: str) -> HttpResponse:
    post = services.get_post(code)  # NotFound and AccessDenied become their pages (core PageErrorsMiddleware)
    authz.require(request.user, "borderposts.view", post)
    can_manage = authz.has_permission(request.user, "borderposts.manage")
    panels = [found for panel in POST_PANELS if (found := panel(request, post)) is not None]
    return render(request, "borderposts/detail.html", {"post": post, "can_manage": can_manage, "panels": panels})


def _lanes_text(post: BorderPost) -> str:
    return "\n".join(f"{lane.code} {lane.direction}" for lane in post.lanes.all())


@permission_required("borderposts.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    post = None
    if code is not None:
        post = services.get_post(code)
    initial = {"lanes_text": _lanes_text(post)} if post else {}
    form = BorderPostForm(request.POST or None, instance=post, initial=initial)
    if post is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            lanes = services.parse_lanes_text(form.cleaned_data["lanes_text"])
            if post is None:
                post = services.create_border_post(request.user, code=form.cleaned_data["code"], lanes=lanes, **data)
                messages.success(request, _("Border post %(code)s created.") % {"code": post.code})
            else:
                # The form has already written the cleaned values onto the instance; reload the
                # stored row so that the service compares the true before with the after.
                post = services.get_post(post.code)
                services.update_border_post(request.user, post, lanes=lanes, **data)
                messages.success(request, _("Border post %(code)s saved.") % {"code": post.code})
            return redirect("borderposts:detail", code=post.code)
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else ("lanes_text" if exc.field == "lanes" else None)
            form.add_error(field, exc.message)
    status = 400 if request.method == "POST" else 200
    return render(request, "borderposts/form.html", {"form": form, "post": post}, status=status)

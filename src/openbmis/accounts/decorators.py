"""View decorator: log in, then hold a permission (anywhere, or at the post in the URL)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from openbmis.accounts import authz


def permission_required(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # a refusal is the error middleware's 403 page, as for every view
            authz.require(request.user, name)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate

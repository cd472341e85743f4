"""Who acts when a service is called: the type of the ``actor`` parameter of every app's services.

A user of the installation (``accounts.models.User``; a page may hand Django's anonymous user, which holds no
role), or the label of the part of the system that acts for nobody (``"cli"``, ``"overstay-job"``). When the
call came through the API with a token, the services take it beside the actor as ``token: ApiToken | None``:
it narrows what the user may do to the token's scopes (``accounts/authz.py``). This is
``openbmis.core.actors.Actor`` with the concrete user model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias
from uuid import UUID

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from openbmis.accounts.models import User

Actor: TypeAlias = "User | AnonymousUser | str"


def user_of(actor: Actor) -> User | None:
    """The signed-in user behind ``actor``; None for the system or an anonymous visitor."""
    from openbmis.accounts.models import User  # the alias above is read without the app registry

    return actor if isinstance(actor, User) and actor.is_authenticated else None


def acting_user(actor: Actor) -> User:
    """The user behind ``actor``, for a record that names who did it (an officer, an examiner, a judge).

    Services ask ``authz.require`` before they get here, which refuses the system and anonymous visitors; a
    call that still reaches this without a user is a programming error, as assigning it to the record would be.
    """
    user = user_of(actor)
    if user is None:
        raise TypeError(f"this record names a user; {type(actor).__name__} is not one")
    return user


def actor_id(actor: Actor) -> UUID | None:
    """The id of the user behind ``actor``; None for the system or an anonymous visitor."""
    user = user_of(actor)
    return user.pk if user is not None else None

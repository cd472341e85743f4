"""Who acts when a service is called, as the lowest layers (core, audit, border posts) see it.

The acting party comes as its caller has it: the signed-in user of a page (``request.user``, which Django may
give as an anonymous user), the user behind an API token, or, for the command line and background jobs, a label
naming the part of the system that acts (``"cli"``, ``"retention-job"``). The audit trail records a user by
reference and anything else by its label. ``openbmis.accounts.actors.Actor`` is the same with the concrete
user model, for the apps above accounts; this one names the user by Django's base class because core imports
no app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | str"

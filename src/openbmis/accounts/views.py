"""Login, logout, two-factor, API tokens, and user administration."""

from __future__ import annotations

from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openbmis.accounts import services
from openbmis.accounts.backends import client_address
from openbmis.accounts.decorators import permission_required
from openbmis.accounts.forms import (
    EnrolmentCodeForm,
    LoginForm,
    PasswordChangeForm,
    RoleForm,
    TokenForm,
    TotpForm,
    UserForm,
)
from openbmis.accounts.middleware import SESSION_KEY
from openbmis.accounts.models import ApiToken, RoleAssignment, User
from openbmis.accounts.roles import Role
from openbmis.core.errors import DomainError


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            services.record_login_success(user, client_address(request))  # type: ignore[arg-type]
            return redirect(_safe_next(request))
        if getattr(request, "openbmis_locked", False):
            error = _("This account is locked after repeated failed logins. Try again later or ask an administrator.")
        elif getattr(request, "openbmis_public_password", False):
            error = _("This password is publicly known and cannot be used here. Ask an administrator to reset it.")
        else:
            error = _("Wrong username or password.")
    status = 401 if error else 200
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": _safe_next(request)},
                  status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


ENROL_SESSION_KEY = "openbmis_totp_enrol_ok"
LOCKED_MESSAGE = "This account is locked after repeated failed logins. Try again later or ask an administrator."


def _locked_out(request: HttpRequest) -> HttpResponse:
    """The account locked itself on a wrong second factor: end the session; the password is asked again."""
    logout(request)
    messages.error(request, _(LOCKED_MESSAGE))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; on first use, enrol (show the QR code and secret) and confirm. In production the
    first enrolment starts with the one-time code an administrator issued."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_locked():
        return _locked_out(request)
    enrolling = user.totp_confirmed_at is None
    address = client_address(request)
    if enrolling and services.enrolment_code_required(user) and request.session.get(ENROL_SESSION_KEY) != str(user.pk):
        code_form = EnrolmentCodeForm(request.POST or None)
        error = None
        if request.method == "POST" and code_form.is_valid():
            if services.redeem_totp_enrolment(user, code_form.cleaned_data["enrolment_code"], address):
                request.session[ENROL_SESSION_KEY] = str(user.pk)
                return redirect("accounts:two_factor")
            user.refresh_from_db(fields=["locked_until"])
            if user.is_locked():
                return _locked_out(request)
            error = _("That enrolment code is not valid. Ask an administrator for a new one.")
        return render(request, "accounts/two_factor.html",
                      {"form": code_form, "error": error, "needs_enrolment_code": True, "next": _safe_next(request)},
                      status=400 if request.method == "POST" else 200)
    if enrolling and (not user.totp_secret or request.GET.get("restart")):
        services.start_totp_enrolment(user)
    form = TotpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(user, form.cleaned_data["code"], address=address):
            request.session[SESSION_KEY] = True
            request.session.pop(ENROL_SESSION_KEY, None)
            request.session.cycle_key()
            return redirect(_safe_next(request))
        user.refresh_from_db(fields=["locked_until"])
        if user.is_locked():
            return _locked_out(request)
        error = _("That code is not valid. Check your device's clock and try the current code.")
    context = {"form": form, "error": error, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        import pyotp

        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=services.TOTP_ISSUER)
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=4)
        context["secret"] = user.totp_secret
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """The user changes their own password; this session stays, the others end."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request.user, current=form.cleaned_data["current_password"],  # type: ignore[arg-type]
                                     new=form.cleaned_data["new_password"])
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Password changed."))
            return redirect("home")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "accounts/password.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    roles = set(RoleAssignment.objects.filter(user=cast(User, request.user)).values_list("role", flat=True))
    form = TokenForm(request.POST or None, roles=roles)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_token(
                request.user, request.user, name=form.cleaned_data["name"],  # type: ignore[arg-type]
                scopes=form.cleaned_data["scopes"], expires_in_days=form.cleaned_data["expires_in_days"],
            )
            form = TokenForm(roles=roles)
        except DomainError as exc:
            form.add_error(None, exc.message)
    rows = ApiToken.objects.filter(user=cast(User, request.user))
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_token": new_token})


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, id=token_id, user_id=request.user.pk)
    try:
        services.revoke_token(request.user, token)
        messages.success(request, _("Token revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:tokens")


def _is_analyst(user: User) -> bool:
    """Access to identities is an analyst's switch: officers see identities through their roles at their posts."""
    return user.role_assignments.filter(role=Role.ANALYST).exists()


@permission_required("accounts.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(request.user, username=form.cleaned_data["username"],
                                        password=form.cleaned_data["password"],
                                        full_name=form.cleaned_data["full_name"])
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_detail", username=user.username)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    rows = User.objects.prefetch_related("role_assignments__border_post")
    return render(request, "accounts/users.html", {"form": form, "users": rows})


@permission_required("accounts.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    user = get_object_or_404(User, username=username)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "unlock":
                services.unlock(request.user, user)
                messages.success(request, _("Account unlocked."))
            elif action == "reset_password":
                services.reset_password(request.user, user, request.POST.get("new_password", ""))
                messages.success(request, _("Password reset. Hand the new password to the user in person."))
            elif action in ("deactivate", "activate"):
                services.set_active(request.user, user, action == "activate", request.POST.get("reason", ""))
                messages.success(request, _("Account updated."))
            elif action in ("reset_totp", "issue_enrolment"):
                if action == "reset_totp":
                    code = services.reset_totp(request.user, user)
                else:
                    code = services.issue_totp_enrolment(request.user, user)
                # Shown this once, to the administrator, to hand to the user out of band (never in a cookie).
                return render(request, "accounts/user_detail.html",
                              {"subject": user, "is_analyst": _is_analyst(user), "form": RoleForm(), "enrolment_code": code,
                               "enrolment_days": services.ENROLMENT_CODE_DAYS})
            elif action in ("grant_identities", "withdraw_identities"):
                services.set_identity_access(request.user, user, action == "grant_identities",
                                             request.POST.get("reason", ""))
                messages.success(request, _("Access to identities updated."))
            elif action == "remove_role":
                assignment = get_object_or_404(RoleAssignment, id=request.POST.get("assignment"), user=user)
                services.remove_role(request.user, assignment)
                messages.success(request, _("Role removed."))
            elif form.is_valid():
                assignment = services.assign_role(request.user, user, form.cleaned_data["role"],
                                                  form.cleaned_data["border_post"])
                messages.success(request, _("Role assigned."))
                for warning in getattr(assignment, "warnings", []):
                    messages.warning(request, warning)
            else:
                return render(request, "accounts/user_detail.html", {"subject": user, "is_analyst": _is_analyst(user), "form": form}, status=400)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:user_detail", username=user.username)
    return render(request, "accounts/user_detail.html", {"subject": user, "is_analyst": _is_analyst(user), "form": form})

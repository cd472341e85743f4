from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.accounts.roles import SCOPES, Role, is_post_role, scopes_of
from openbmis.borderposts.models import BorderPost


class LoginForm(forms.Form):
    # the cursor starts in the user name: an officer at the counter types, and never reaches for the mouse
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(label=_("Enrolment code from your administrator"), max_length=64)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=[(s, s) for s in sorted(SCOPES)], widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(label=_("Expires in (days)"), min_value=1, max_value=3650, required=False)

    def __init__(self, *args: Any, roles: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            # Only the scopes the user's roles carry: a token can narrow what its user may do, never widen it.
            offered = sorted(scopes_of(roles) or {"tokens:manage"})
            field = self.fields["scopes"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(s, s) for s in offered]


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class RoleForm(forms.Form):
    """A role at a post or national; a counter role held nationally needs ``confirm_national``."""

    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in Role])
    border_post = forms.ModelChoiceField(
        label=_("Border post"), queryset=BorderPost.objects.all(), required=False,
        empty_label=_("National (all posts)"),
    )
    confirm_national = forms.BooleanField(
        label=_("Yes, give this counter role nationally: it then reaches every border post"), required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, post = data.get("role"), data.get("border_post")
        if role and post is None and is_post_role(role) and not data.get("confirm_national"):
            self.add_error("confirm_national", _("This role is normally held at one border post. Choose the post, "
                                                 "or confirm that it is to be held nationally (every post)."))
        return data

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.accounts.roles import SCOPES, Role
from openbmis.borderposts.models import BorderPost


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=8, min_length=6)


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


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in Role])
    border_post = forms.ModelChoiceField(
        label=_("Border post"), queryset=BorderPost.objects.all(), required=False,
        empty_label=_("National (all posts)"),
    )

"""The forms of the travellers' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TravellerSearchForm(forms.Form):
    """Find a traveller by name, document number and birth date (any of them)."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    document = forms.CharField(label=_("Document number"), max_length=20, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

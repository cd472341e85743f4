from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSCA certificate (PEM or DER), CRL, CSCA master list, or ICAO PKD LDIF file."),
    )


class StatusChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSCA certificate (PEM or DER), CRL, CSCA master list, or ICAO PKD LDIF file."),
    )
    pin_signers = forms.BooleanField(
        label=_("Trust document signer certificates that are not CAs on their own (pin them)"), required=False,
        help_text=_("Risk: a pinned signer is not checked against its country's CSCA, so a forged or stolen "
                    "signer would not be detected by the chain. Only for a signer whose CSCA you cannot obtain."),
    )


class StatusChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

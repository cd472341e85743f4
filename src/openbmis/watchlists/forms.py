from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.watchlists.models import Hit, Watchlist


class WatchlistForm(forms.ModelForm):
    class Meta:
        model = Watchlist
        fields = ["name", "kind", "owner", "purpose", "threshold", "retention_days", "active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}


class WatchlistSettingsForm(forms.ModelForm):
    """What may change after creation (the kind never does)."""

    class Meta:
        model = Watchlist
        fields = ["owner", "purpose", "threshold", "retention_days", "active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Persons: UN SC Consolidated List XML, OFAC SDN (sdn.csv, or a zip of sdn.csv, alt.csv and "
                    "add.csv), OpenSanctions FollowTheMoney JSON, or the OpenBMIS CSV template. Documents: the "
                    "documents CSV. Nothing is applied before you commit the preview."),
    )


class JudgementForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Judgement"), widget=forms.RadioSelect,
        choices=[(Hit.Status.MATCH, _("Match")), (Hit.Status.NO_MATCH, _("No match")),
                 (Hit.Status.UNSURE, _("Unsure"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    birth_date = forms.CharField(label=_("Birth date"), max_length=40, required=False,
                                 help_text=_("YYYY-MM-DD, YYYY-MM or YYYY"))
    nationality = forms.CharField(label=_("Nationality"), max_length=60, required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False,
                            choices=[("", "—"), ("M", _("Male")), ("F", _("Female"))])
    document = forms.CharField(label=_("Document number"), max_length=40, required=False)
    issuing_state = forms.CharField(label=_("Issuing state"), max_length=3, required=False)

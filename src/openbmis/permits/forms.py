from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.permits.models import EntryBan, ResidencePermit, Visa, VisaPolicyRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RuleForm(forms.ModelForm):
    class Meta:
        model = VisaPolicyRule
        fields = ["name", "nationality", "document_type", "max_age", "category", "stay_kind", "max_stay_days",
                  "window_days", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": DATE, "valid_to": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class VisaForm(forms.ModelForm):
    class Meta:
        model = Visa
        fields = ["number", "category", "entries", "valid_from", "valid_until", "duration_days", "issuing_post",
                  "surname", "given_names", "nationality", "birth_date", "passport_number"]
        widgets = {"valid_from": DATE, "valid_until": DATE, "birth_date": DATE}


class PermitForm(forms.ModelForm):
    class Meta:
        model = ResidencePermit
        fields = ["kind", "number", "surname", "given_names", "nationality", "birth_date", "passport_number",
                  "valid_from", "valid_until"]
        widgets = {"valid_from": DATE, "valid_until": DATE, "birth_date": DATE}


class EVisaImportForm(forms.Form):
    file = forms.FileField(label=_("E-visa CSV file"))


class BanForm(forms.ModelForm):
    class Meta:
        model = EntryBan
        fields = ["surname", "given_names", "nationality", "birth_date", "document_number", "source", "starts_on",
                  "ends_on", "reason"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "birth_date": DATE, "reason": forms.Textarea(attrs={"rows": 2})}


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("New last day of stay"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class OverstayFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), ("open", _("In the country")), ("exited", _("Exited")),
                                        ("extended", _("Extended"))])
    nationality = forms.CharField(label=_("Nationality"), max_length=3, required=False)
    border_post = forms.CharField(label=_("Post of entry"), max_length=16, required=False)
    since = forms.DateField(label=_("Permitted until from"), required=False, widget=DATE)
    until = forms.DateField(label=_("to"), required=False, widget=DATE)
    min_days = forms.IntegerField(label=_("At least days"), required=False, min_value=0)

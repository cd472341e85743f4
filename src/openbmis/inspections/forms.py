from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.inspections.models import Purpose, RefusalReason, TravelMode
from openbmis.inspections.services import ground_label


class CounterForm(forms.Form):
    """The primary inspection form: where, which way, and the document."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    border_post = forms.ChoiceField(label=_("Border post"))
    lane = forms.ChoiceField(label=_("Lane"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=[("entry", _("Entry")), ("exit", _("Exit"))])
    mrz = forms.CharField(
        label=_("MRZ"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 46, "autofocus": True, "spellcheck": "false",
                                     "autocomplete": "off", "class": "mrz", "data-testid": "mrz"}),
        help_text=_("Scan the document (the reader types the MRZ and Enter) or paste it."),
    )
    image = forms.FileField(
        label=_("Or a photo of the data page"), required=False,
        help_text=_("For posts without a document reader: a camera or scanner image (JPEG or PNG)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *Purpose.choices], required=False)
    travel_mode = forms.ChoiceField(label=_("Travel mode"), choices=[("", "—"), *TravelMode.choices], required=False)
    transport_id = forms.CharField(label=_("Flight or vehicle"), max_length=20, required=False)
    national_name = forms.CharField(
        label=_("Name in the holder's own script (optional)"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "lang": "", "autocomplete": "off", "spellcheck": "false"}),
    )
    proceed_invalid = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, posts: list[tuple[str, str]], lanes: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["border_post"]).choices = posts
        cast(forms.ChoiceField, self.fields["lane"]).choices = [("", "—"), *lanes]


class ManualDocumentForm(forms.Form):
    """Fields typed by hand: a document without an MRZ, or a correction of a misread one."""

    # It shares the counter's <form>: browser-side "required" would block scanning an MRZ. The
    # server checks these fields when the officer submits them.
    use_required_attribute = False

    document_code = forms.CharField(label=_("Document type"), max_length=2, initial="P")
    issuing_state = forms.CharField(label=_("Issuing state"), max_length=3)
    document_number = forms.CharField(label=_("Document number"), max_length=20)
    primary_identifier = forms.CharField(label=_("Surname"), max_length=120)
    secondary_identifier = forms.CharField(label=_("Given names"), max_length=120, required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=3)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("F", _("Female")), ("M", _("Male")), ("X", _("Unspecified"))])
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("admit", _("Admit")), ("refuse", _("Refuse")), ("refer", _("Refer"))])
    permitted_until = forms.DateField(label=_("Permitted until"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    reasons = forms.MultipleChoiceField(label=_("Refusal reasons"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note or referral reason"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["reasons"]).choices = [(r.code, f"{r.code} — {ground_label(r)}")
                                          for r in RefusalReason.objects.filter(active=True)]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    image = forms.FileField(label=_("Document image (JPEG or PNG)"), required=False)


class StayForm(forms.Form):
    traveller = forms.UUIDField(required=False, widget=forms.HiddenInput)
    nationality = forms.CharField(label=_("Nationality"), max_length=3, required=False)
    entry_day = forms.DateField(label=_("Day of entry"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Document valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    stays = forms.CharField(label=_("Earlier stays, one a line: entry day and exit day (YYYY-MM-DD)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

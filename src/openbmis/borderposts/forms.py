from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.borderposts.models import BorderPost


class BorderPostForm(forms.ModelForm):
    lanes_text = forms.CharField(
        label=_("Lanes"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One lane per line: CODE DIRECTION, where direction is entry, exit or both (e.g. A1 entry)."),
    )

    class Meta:
        model = BorderPost
        fields = ["code", "name", "kind", "country", "time_zone", "latitude", "longitude", "neighbour_country", "status"]

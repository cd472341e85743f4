from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openbmis.documents.models import Examination, ExaminationImage, Verdict


class ExaminationForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    findings = forms.CharField(label=_("Features examined and findings"), widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("One line per feature: feature: finding"))
    disposition = forms.ChoiceField(label=_("Document"), choices=Examination.Disposition.choices,
                                    widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    visible = forms.FileField(label=_("Image in visible light"), required=False)
    uv = forms.FileField(label=_("Image under UV"), required=False)
    ir = forms.FileField(label=_("Image under IR"), required=False)
    source = forms.ChoiceField(label=_("Images taken with"), choices=ExaminationImage.Source.choices)

    def findings_list(self) -> list[dict[str, Any]]:
        rows = []
        for line in self.cleaned_data["findings"].splitlines():
            if line.strip():
                feature, _sep, finding = line.partition(":")
                rows.append({"feature": feature.strip(), "finding": finding.strip()})
        return rows

    def images(self) -> list[tuple[bytes, str, str]]:
        return [(self.cleaned_data[light].read(), light, self.cleaned_data["source"])
                for light in ("visible", "uv", "ir") if self.cleaned_data.get(light)]

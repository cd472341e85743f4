"""The inspection page names checks, statuses and the suggested action in the reader's language."""

from __future__ import annotations

from django.utils import translation

from openbmis.inspections import checks
from openbmis.inspections.templatetags.inspection_labels import action_label, slot_label, status_label


def test_every_slot_has_a_label():
    assert set(checks.SLOT_LABELS) == set(checks.SLOTS)


def test_labels_follow_the_language_and_unknown_codes_show_as_they_are():
    with translation.override("fr"):
        assert str(slot_label("stolen_lost")) == "Document volé ou perdu"
        assert str(status_label("not_checked")) == "non vérifié"
        assert str(action_label("refer")) == "renvoyer en deuxième ligne"
    with translation.override("en"):
        assert str(slot_label("entry_ban")) == "Entry ban"
        assert str(status_label("warn")) == "warning"
    assert slot_label("face") == "face"

"""Node housekeeping on the records that go with an inspection: chip verifications and examination photographs
(their files too) are purged with it once headquarters acknowledged every copy, kept otherwise; nothing at
headquarters. Runs on SQLite and, with OPENBMIS_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from tests.conftest import make_mrz
from tests.network.test_network import _decide_at_node


def _chip(inspection_id=None, *, age=timedelta(0)):
    from openbmis.trust.models import ChipVerification

    chip = ChipVerification.objects.create(inspection_id=inspection_id, status="verified", valid=True,
                                           validated_at=timezone.now())
    ChipVerification.objects.filter(id=chip.id).update(created_at=timezone.now() - age)
    return str(chip.id)


def _examined(inspection_id, examiner, post, name):
    from openbmis.documents.models import Examination, ExaminationImage

    verdict = Examination._meta.get_field("verdict").choices[0][0]
    examination = Examination.objects.create(inspection_id=inspection_id, border_post=post, examiner=examiner,
                                             verdict=verdict, disposition="returned", issuing_state="UTO",
                                             document_code="P")
    stored = default_storage.save(f"documents/examinations/{name}.png", ContentFile(b"\x89PNG bytes"))
    image = ExaminationImage.objects.create(examination=examination, file=stored, light="uv", source="reader",
                                            sha256="0" * 64)
    return str(examination.id), str(image.id), stored


def test_chip_checks_and_examination_photographs_go_with_their_inspection_once_acknowledged(
        client, bearer, make_user, two_posts, settings, tmp_path, django_capture_on_commit_callbacks):
    from openbmis.core import retention
    from openbmis.documents.models import Examination, ExaminationImage
    from openbmis.inspections.models import Inspection
    from openbmis.network.models import OutboxRecord
    from openbmis.trust.models import ChipVerification

    settings.MEDIA_ROOT = str(tmp_path / "node-media")
    officer = make_user("primary_officer", two_posts[0])
    headers = bearer(officer)
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    settings.OPENBMIS_NODE_KEEP_DAYS = 30

    def refused(number, name):
        return _decide_at_node(client, headers, make_mrz(document_number=number, primary_identifier=name),
                               "refuse")["id"]

    purged, held_by_chip = refused("H1000001", "PURGED"), refused("H1000002", "CHIPHELD")
    held_by_photo, recent = refused("H1000003", "PHOTOHELD"), refused("H1000004", "RECENT")
    now = timezone.now()
    Inspection.objects.filter(id__in=[purged, held_by_chip, held_by_photo]).update(created_at=now - timedelta(days=31))
    chips = {"purged": _chip(purged), "held": _chip(held_by_chip), "recent": _chip(recent),
             "loose old": _chip(age=timedelta(days=31)), "loose old unsent": _chip(age=timedelta(days=31)),
             "loose recent": _chip(age=timedelta(days=2))}
    _exam, _image, gone_file = _examined(purged, officer, two_posts[0], "purged")
    held_exam, held_image, kept_file = _examined(held_by_photo, officer, two_posts[0], "kept")
    OutboxRecord.objects.update(acked_at=now)
    # Headquarters has not acknowledged these copies yet: the inspection each goes with stays, whole.
    OutboxRecord.objects.filter(record_id__in=[chips["held"], chips["loose old unsent"], held_image]).update(
        acked_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge(now=now)["network-node"]

    remaining = {str(i) for i in Inspection.objects.values_list("id", flat=True)}
    assert remaining == {held_by_chip, held_by_photo, recent}, counts
    assert {str(i) for i in ChipVerification.objects.values_list("id", flat=True)} == {
        chips["held"], chips["recent"], chips["loose old unsent"], chips["loose recent"]}, counts
    assert counts["chip verifications"] == 2 and counts["inspections"] == 1, counts
    assert counts["examinations"] == 1 and counts["examination images"] == 1, counts
    assert list(Examination.objects.values_list("id", flat=True).order_by()) == [
        Examination.objects.get(id=held_exam).id]
    assert ExaminationImage.objects.filter(id=held_image).exists()
    assert not default_storage.exists(gone_file) and default_storage.exists(kept_file)
    # One audit event for the job's counts; no deletion is queued to travel up.
    from openbmis.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="retention.purge", object_id="network-node")
    assert event.after == counts
    queued = OutboxRecord.objects.filter(acked_at__isnull=True)
    assert {r.model for r in queued} == {"audit.AuditEvent", "trust.ChipVerification", "documents.ExaminationImage"}
    assert all(r.data.get("action") == "retention.purge" for r in queued if r.model == "audit.AuditEvent")

    # Headquarters purges nothing this way (its own retention rules keep these for a year and more).
    settings.OPENBMIS_INSTALLATION = "hq"
    OutboxRecord.objects.update(acked_at=now)
    assert retention.purge(now=now + timedelta(days=60))["network-node"] == {}
    assert Inspection.objects.count() == 3 and ChipVerification.objects.count() == 4

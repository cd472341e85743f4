"""Document numbers sealed at rest, searched exactly through a blind index (issue 14)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from openbmis.core import sealing
from openbmis.inspections.models import Inspection
from openbmis.travellers.models import TravelDocument, Traveller


def _stored(model, pk, column: str):
    """The column as the database holds it (no field conversion)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
                       [model._meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone()[0]


@pytest.fixture
def document(db):
    person = Traveller.objects.create(primary_identifier="ODHIAMBO", secondary_identifier="AMINA",
                                      nationality="KEN", sex="F")
    return TravelDocument.objects.create(traveller=person, document_code="P", issuing_state="KEN", number="X1234567")


def test_the_number_is_stored_sealed_and_its_index_is_not_the_number(document):
    stored = _stored(TravelDocument, document.pk, "number")
    index = _stored(TravelDocument, document.pk, "number_index")
    assert stored.startswith("sealed:v1:") and "X1234567" not in stored
    assert len(index) == 32 and "X1234567" not in index
    assert index == sealing.blind_index("x1234567 ")  # the same normalised number gives the same index
    assert index != sealing.blind_index("X1234568")
    document.refresh_from_db()
    assert document.number == "X1234567"


def test_exact_and_in_lookups_find_the_number_through_the_index_also_across_relations(document):
    assert TravelDocument.objects.get(number="X1234567") == document
    assert TravelDocument.objects.filter(issuing_state="KEN", number="x1234567").exists()
    assert list(TravelDocument.objects.filter(number__in=["NOPE", "X1234567"])) == [document]
    assert not TravelDocument.objects.filter(number="X123456").exists()  # a part finds nothing
    assert list(Traveller.objects.filter(documents__number="X1234567")) == [document.traveller]
    assert list(Traveller.objects.filter(documents__number__in={"X1234567"})) == [document.traveller]
    assert TravelDocument.objects.filter(number="X1234567").values_list("number", flat=True)[0] == "X1234567"


def test_a_lookup_the_index_cannot_answer_is_an_error_not_an_empty_result(document):
    with pytest.raises(FieldError):
        list(TravelDocument.objects.filter(number__icontains="1234"))
    with pytest.raises(FieldError):
        list(TravelDocument.objects.filter(number__startswith="X"))


def test_the_same_document_twice_is_refused_by_the_unique_index(document):
    with pytest.raises(IntegrityError), transaction.atomic():
        TravelDocument.objects.create(traveller=document.traveller, document_code="P", issuing_state="KEN",
                                      number="X1234567")


def test_a_changed_number_gets_its_new_index(document):
    document.number = "Y7654321"
    document.save()
    assert TravelDocument.objects.get(number="Y7654321") == document
    assert not TravelDocument.objects.filter(number="X1234567").exists()


def test_an_inspection_keeps_no_clear_number_or_mrz(inspect, mrz_for):
    mrz = mrz_for()
    body = inspect(mrz=mrz).json()
    for column in ("mrz", "document_data"):
        stored = _stored(Inspection, body["id"], column)
        assert "X1234567" not in stored and "ODHIAMBO" not in stored, column
        assert (json.loads(stored) if column == "document_data" else stored).startswith("sealed:v1:")
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.mrz == mrz and inspection.document_data["document_number"] == "X1234567"


def test_rotation_keeps_the_index_and_reseal_moves_json_columns_to_the_new_key(keys, inspect, mrz_for, document):
    body = inspect(mrz=mrz_for()).json()
    index = _stored(TravelDocument, document.pk, "number_index")
    new = sealing.rotate()
    counts = sealing.reseal_all()
    assert counts["inspections.Inspection.document_data"] >= 1 and counts["travellers.TravelDocument.number"] >= 1
    assert json.loads(_stored(Inspection, body["id"], "document_data")).startswith(f"sealed:v1:{new}:")
    assert _stored(TravelDocument, document.pk, "number").startswith(f"sealed:v1:{new}:")
    assert _stored(TravelDocument, document.pk, "number_index") == index
    assert TravelDocument.objects.get(number="X1234567") == document
    assert Inspection.objects.get(pk=body["id"]).document_data["document_number"] == "X1234567"


def test_a_key_file_from_before_blind_indexes_gets_one_index_key_kept_ever_after(keys):
    keys.parent.mkdir()
    keys.write_text(json.dumps({"current": "k1", "keys": {"k1": "A" * 43 + "="}}))
    first = sealing.blind_index("X1234567")
    added = json.loads(keys.read_text())["index_key"]
    sealing.forget()
    assert sealing.blind_index("X1234567") == first
    assert json.loads(keys.read_text())["index_key"] == added
    assert sealing.blind_index("X1234567", "confusable") != first  # each kind is keyed apart


def test_a_chips_face_and_report_are_stored_sealed_and_resealed_on_rotation(keys, db):
    from django.utils import timezone

    from openbmis.trust.models import ChipVerification

    face = b"\xff\xd8\xff\xe0 a face from DG2"
    chip = ChipVerification.objects.create(status="verified", validated_at=timezone.now(), photo=face,
                                           result={"holder_names": {"full_name": "ИВАНОВ ИВАН"}})
    photo, result = bytes(_stored(ChipVerification, chip.pk, "photo")), _stored(ChipVerification, chip.pk, "result")
    assert photo.startswith(b"sealed:v1:") and b"a face" not in photo
    assert "ИВАНОВ" not in (result if isinstance(result, str) else json.dumps(result, ensure_ascii=False))
    chip.refresh_from_db()
    assert bytes(chip.photo) == face and chip.result["holder_names"]["full_name"] == "ИВАНОВ ИВАН"
    assert ChipVerification.objects.exclude(photo=None).count() == 1
    new = sealing.rotate()
    assert sealing.reseal_all()["trust.ChipVerification.photo"] == 1
    assert bytes(_stored(ChipVerification, chip.pk, "photo")).startswith(f"sealed:v1:{new}:".encode())
    chip.refresh_from_db()
    assert bytes(chip.photo) == face


def test_a_log_lines_tag_of_a_document_number_is_keyed(keys):
    """A plain hash of a document number in a log can be reversed by trying every number; the tag is an HMAC
    under the installation's key: stable, and not the plain hash."""
    import hashlib

    from openbmis.core.pii import short_hash

    tag = short_hash("X1234567")
    assert tag == short_hash("X1234567") and len(tag) == 12
    assert tag != hashlib.sha256(b"X1234567").hexdigest()[:12] and tag != short_hash("X1234568")

"""Headquarters' library travels to posts as a signed bundle; an altered bundle is refused whole."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openbmis.audit.models import AuditEvent
from openbmis.documents import bundle, services
from openbmis.documents.models import AlertImage, DocumentModel, FraudAlert, ReferenceImage, SecurityFeature

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def library(expert, kenyan_model, image_bytes):
    page = services.add_reference_image(expert, kenyan_model, image_bytes("green"), light="uv")
    services.add_feature(expert, kenyan_model, kind="ovd", name="Kinegram", description="colour shift",
                         image=page, box=(0.5, 0.1, 0.2, 0.2))
    first = services.publish_alert(expert, model=kenyan_model, title="t1", description="d", detection="x",
                                   valid_from=date(2026, 1, 1), images=[(image_bytes("black"), "uv", "uv")])
    services.publish_alert(expert, reference=first.reference, issuing_state="KEN", title="t2", description="d",
                           detection="x", valid_from=date(2026, 1, 1))
    return kenyan_model


def _wipe():
    FraudAlert.objects.all().delete()
    DocumentModel.objects.all().delete()


def _rezip(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return out.getvalue()


def test_round_trip(library, key, image_bytes):
    data = bundle.export_bundle(key)
    _wipe()
    assert bundle.import_bundle(data, key.public_key()) == {"models": 1, "alerts": 2, "images": 2}
    model = DocumentModel.objects.get()
    assert (model.id, model.name, model.issued_from) == (library.id, "Kenya e-passport 2019", date(2019, 9, 1))
    assert ReferenceImage.objects.get().file.read() == image_bytes("green")
    feature = SecurityFeature.objects.get()
    assert (feature.name, feature.x, feature.image_id) == ("Kinegram", 0.5, ReferenceImage.objects.get().id)
    assert [(a.version, a.current, a.title) for a in FraudAlert.objects.order_by("version")] == [
        (1, False, "t1"), (2, True, "t2")]
    assert AlertImage.objects.get().file.read() == image_bytes("black")
    assert AuditEvent.objects.filter(action="documents.bundle_imported").count() == 1
    # importing again changes nothing
    assert bundle.import_bundle(data, key.public_key())["images"] == 0
    assert DocumentModel.objects.count() == 1 and FraudAlert.objects.count() == 2


def test_altered_library_is_refused(library, key):
    data = bundle.export_bundle(key)

    def change(name, content):
        if name != "library.json":
            return content
        library_json = json.loads(content)
        library_json["alerts"][0]["detection"] = "ignore this alert"
        return json.dumps(library_json, sort_keys=True, indent=1).encode()

    _wipe()
    with pytest.raises(bundle.BundleRefused, match="signature does not verify"):
        bundle.import_bundle(_rezip(data, change), key.public_key())
    assert not DocumentModel.objects.exists() and not FraudAlert.objects.exists()


def test_altered_image_is_refused(library, key, image_bytes):
    data = bundle.export_bundle(key)
    altered = _rezip(data, lambda name, content: image_bytes("white") if name.startswith("images/") else content)
    with pytest.raises(bundle.BundleRefused, match="differs from the signed library"):
        bundle.import_bundle(altered, key.public_key())


def test_another_signer_and_garbage_are_refused(library, key):
    data = bundle.export_bundle(Ed25519PrivateKey.generate())
    with pytest.raises(bundle.BundleRefused, match="signature"):
        bundle.import_bundle(data, key.public_key())
    with pytest.raises(bundle.BundleRefused, match="Not a readable"):
        bundle.import_bundle(b"PK\x03\x04 not really", key.public_key())


def test_cli_export_then_import(library, tmp_path, settings, capsys):
    from openbmis.cli.main import main

    settings.OPENBMIS_DOCUMENTS_SIGNING_KEY_FILE = tmp_path / "docs-key.pem"
    out = tmp_path / "bundle.zip"
    assert main(["documents", "export", "--out", str(out)]) == 0
    assert main(["documents", "import", str(out)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"models": 1, "alerts": 2, "images": 0}
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(_rezip(out.read_bytes(), lambda n, c: c.replace(b"t2", b"t3") if n == "library.json"
                                else c))
    assert main(["documents", "import", str(tampered)]) == 1
    assert "bundle refused" in capsys.readouterr().err


def test_at_a_node_the_library_is_read_only_and_arrives_by_bundle(library, key, settings, expert):
    from openbmis.core.installation import ReadOnlyAtNode
    from openbmis.network.capture import travels_up

    data = bundle.export_bundle(key)
    _wipe()
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    with pytest.raises(ReadOnlyAtNode):
        services.save_model(expert, issuing_state="KEN", document_code="P", name="x", source="drawn")
    assert bundle.import_bundle(data, key.public_key())["models"] == 1
    assert not travels_up(DocumentModel) and not travels_up(FraudAlert)
    from openbmis.documents.models import Examination

    assert travels_up(Examination)

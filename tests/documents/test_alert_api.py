"""Issue 18: headquarters' document experts publish, version and withdraw fraud alerts and add genuine models
over the API (the page shows them; bundles carry them to the posts)."""

from __future__ import annotations

import base64
import io

from PIL import Image

from openbmis.audit.models import AuditEvent
from openbmis.documents.models import DocumentModel, FraudAlert


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_an_expert_publishes_versions_and_withdraws_an_alert(client, bearer, make_user):
    expert = make_user("document_expert", None)
    headers = bearer(expert)
    body = {"title": "Photo substitution, L898 series", "description": "laminate lifted at the photo",
            "detection": "UV: the laminate shows no pattern over the photo", "severity": "fail",
            "issuing_state": "UTO", "document_code": "P", "series": "L898", "valid_from": "2026-01-01",
            "images": [{"content": _png(), "caption": "UV view", "light": "uv"}]}
    created = client.post("/api/documents/alerts", body, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    again = client.post("/api/documents/alerts", {**body, "reference": reference, "severity": "warn"},
                        content_type="application/json", headers=headers)
    assert again.status_code == 201 and again.json()["version"] == 2
    assert FraudAlert.objects.filter(reference=reference).count() == 2
    assert FraudAlert.objects.get(reference=reference, current=True).images.count() == 1
    withdrawn = client.post(f"/api/documents/alerts/{reference}/withdraw", {"reason": "series recalled"},
                            content_type="application/json", headers=headers)
    assert withdrawn.status_code == 200
    assert AuditEvent.objects.filter(action="documents.alert_withdrawn", reason="series recalled").exists()
    bad = client.post("/api/documents/alerts", {**body, "images": [{"content": "not base64!"}]},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "images.0.content"
    officer = make_user("primary_officer", None)
    refused = client.post("/api/documents/alerts", body, content_type="application/json", headers=bearer(officer))
    assert refused.status_code == 403
    assert client.post("/api/documents/alerts/FA-0000-0000/withdraw", {"reason": "x"},
                       content_type="application/json", headers=headers).status_code == 404


def test_an_expert_adds_a_model_with_its_images(client, bearer, make_user):
    expert = make_user("document_expert", None)
    body = {"issuing_state": "UTO", "document_code": "P", "name": "Utopia passport (2030)", "source": "drawn",
            "images": [{"content": _png(), "page": "data page", "light": "visible"}]}
    created = client.post("/api/documents/models", body, content_type="application/json", headers=bearer(expert))
    assert created.status_code == 201, created.content
    model = DocumentModel.objects.get(name="Utopia passport (2030)")
    assert model.images.count() == 1
    garbage = {**body, "name": "Bad", "images": [{"content": base64.b64encode(b"not an image").decode()}]}
    response = client.post("/api/documents/models", garbage, content_type="application/json", headers=bearer(expert))
    assert response.status_code == 422 and not DocumentModel.objects.filter(name="Bad").exists()


def test_an_expert_locates_a_security_feature_on_a_reference_image(client, bearer, make_user):
    expert = make_user("document_expert", None)
    body = {"issuing_state": "UTO", "document_code": "P", "name": "Utopia passport (2031)", "source": "drawn",
            "images": [{"content": _png(), "page": "data page", "light": "uv"}]}
    model = client.post("/api/documents/models", body, content_type="application/json", headers=bearer(expert)).json()
    image = model["images"][0]["id"]
    url = f"/api/documents/models/{model['id']}/features"
    feature = {"kind": "printing", "name": "UV fibres", "description": "Red and blue fibres glow under UV.",
               "image": image, "box": [0.1, 0.2, 0.3, 0.25]}
    created = client.post(url, feature, content_type="application/json", headers=bearer(expert))
    assert created.status_code == 201, created.content
    [saved] = created.json()["features"]
    assert saved["box"] == [0.1, 0.2, 0.3, 0.25] and saved["image"] == image
    outside = {**feature, "name": "Outside", "box": [0.9, 0.9, 0.5, 0.5]}
    response = client.post(url, outside, content_type="application/json", headers=bearer(expert))
    assert response.status_code == 422 and "inside the image" in response.json()["detail"]
    foreign = {**feature, "name": "Elsewhere", "image": "01a24000-0000-7000-8000-000000000000"}
    assert client.post(url, foreign, content_type="application/json", headers=bearer(expert)).status_code == 422
    officer = make_user("primary_officer")
    assert client.post(url, feature, content_type="application/json", headers=bearer(officer)).status_code == 403
    assert DocumentModel.objects.get(id=model["id"]).features.count() == 1

"""``openbmis manifests carrier|airport|ingest|watch`` in-process (Django already set up by pytest-django)."""

from __future__ import annotations

import json

from openbmis.cli.main import main
from openbmis.manifests.models import Carrier, Manifest

from .helpers import manifest_text


def test_cli_flow(tmp_path, capsys, airport, passengers, make_user):
    make_user(None, username="ua-sys")
    assert main(["manifests", "carrier", "UA", "United", "--account", "ua-sys"]) == 0
    assert Carrier.objects.get(code="UA").account.username == "ua-sys"
    assert main(["manifests", "airport", "IDL", "JFK"]) == 0
    path = tmp_path / "m.edi"
    path.write_text(manifest_text(passengers))
    capsys.readouterr()
    assert main(["manifests", "ingest", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["manifests"][0]["flight"] == "UA123" and out["manifests"][0]["persons"] == 3
    bad = tmp_path / "bad.edi"
    bad.write_text("junk")
    assert main(["manifests", "ingest", str(bad)]) == 2
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "second.edi").write_text(manifest_text(passengers[:1], function="change", reference="2"))
    assert main(["manifests", "watch", str(drop), "--once"]) == 0
    assert "accepted second.edi" in capsys.readouterr().out
    assert [m.status for m in Manifest.objects.order_by("received_at")] == ["superseded", "current"]

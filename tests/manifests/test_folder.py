"""The drop folder: accepted files move to processed/ with their CUSRES; unreadable ones to rejected/."""

from __future__ import annotations

from openbmis.manifests import services
from openbmis.manifests.models import Manifest

from .helpers import manifest_text


def test_drop_folder(tmp_path, airport, carrier, passengers):
    (tmp_path / "ua123.edi").write_text(manifest_text(passengers))
    (tmp_path / "junk.txt").write_text("not a manifest")
    (tmp_path / ".partial").write_text("still being written")
    run = services.ingest_folder(tmp_path)
    assert run.accepted == ["ua123.edi"] and run.rejected == ["junk.txt"]
    assert (tmp_path / "processed" / "ua123.edi").is_file()
    assert "CUSRES" in (tmp_path / "cusres" / "ua123.edi.cusres").read_text()
    assert "not a PAXLST interchange" in (tmp_path / "rejected" / "junk.txt.error.txt").read_text()
    assert (tmp_path / ".partial").is_file()
    assert Manifest.objects.get().source == "folder"

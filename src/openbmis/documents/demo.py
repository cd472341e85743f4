"""The demo's reference library: one drawn passport model of the fictional state Utopia (UTO, the ICAO 9303
specimen state), with its data page in visible and UV light, located features, and one fraud alert.

The images are drawn here with Pillow for the demo (no real document is reproduced); the layout follows the
TD3 data-page zones described in ICAO Doc 9303 Part 4.
"""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from openbmis.accounts.actors import Actor

SOURCE = "Drawn for the OpenBMIS demo after the ICAO Doc 9303 Part 4 TD3 specimen layout (fictional state Utopia)"


def _page(uv: bool, forged: bool = False) -> bytes:
    width, height = 500, 352  # TD3 data page, 125 x 88 mm at 4 px/mm
    image = Image.new("RGB", (width, height), (20, 20, 60) if uv else (226, 236, 226))
    draw = ImageDraw.Draw(image)
    ink = (240, 240, 255) if uv else (30, 50, 30)
    draw.text((20, 12), "UTOPIA  PASSPORT  PASSEPORT", fill=ink)
    draw.rectangle((20, 40, 140, 200), outline=ink, width=2)  # photo zone
    draw.text((40, 110), "PHOTO", fill=ink)
    for row in range(6):
        draw.text((160, 48 + row * 24), "—" * 18, fill=ink)
    if uv and not forged:  # the fluorescent emblem the genuine document shows under UV
        draw.ellipse((330, 60, 450, 180), outline=(120, 255, 120), width=4)
        draw.ellipse((60, 80, 120, 140), outline=(255, 230, 90), width=3)  # UV mark over the photo
    draw.rectangle((300, 220, 480, 250), outline=(180, 120, 40), width=3)  # OVD strip
    draw.rectangle((0, 272, width, height), fill=(20, 20, 60) if uv else (236, 240, 236))
    draw.text((12, 285), "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", fill=ink)
    draw.text((12, 315), "L898902C36UTO7408122F1204159ZE184226B<<<<<10", fill=ink)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_demo_library(actor: Actor) -> None:
    """Idempotent: does nothing when the demo model exists."""
    from openbmis.documents import services
    from openbmis.documents.models import DocumentModel

    if DocumentModel.objects.filter(issuing_state="UTO", document_code="P", name__startswith="Utopia").exists():
        return
    model = services.save_model(actor, issuing_state="UTO", document_code="P", name="Utopia passport (2012)",
                                series="L", issued_from=date(2012, 1, 1), validity_years=10, source=SOURCE)
    visible = services.add_reference_image(actor, model, _page(uv=False), page="data page", light="visible")
    uv = services.add_reference_image(actor, model, _page(uv=True), page="data page", light="uv")
    services.add_feature(actor, model, kind="substrate", name="UV-dull paper",
                         description="The page stays dark under UV; only the printed emblem fluoresces.", image=uv,
                         box=(0.0, 0.0, 1.0, 0.77))
    services.add_feature(actor, model, kind="printing", name="Fluorescent emblem",
                         description="Green ring printed in UV ink, right of the personal data.", image=uv,
                         box=(0.66, 0.17, 0.24, 0.34))
    services.add_feature(actor, model, kind="personalisation", name="UV mark over the photo",
                         description="Yellow fluorescent ring printed across the photo after personalisation.",
                         image=uv, box=(0.12, 0.22, 0.12, 0.17))
    services.add_feature(actor, model, kind="ovd", name="Diffractive strip",
                         description="Colour-shifting strip at the lower right; it changes colour when tilted.",
                         image=visible, box=(0.6, 0.62, 0.36, 0.09))
    services.add_feature(actor, model, kind="mrz", name="Machine readable zone",
                         description="Two lines of 44 OCR-B characters; check digits verify.", image=visible,
                         box=(0.02, 0.8, 0.96, 0.18))
    services.publish_alert(actor, model=model, series="L898", severity="fail",
                           title="Photo substitution in the L898 range",
                           description="The photo is replaced and re-laminated; the UV mark over the photo is "
                                       "missing or interrupted.",
                           detection="Look at the photo under UV: the yellow ring must run across it unbroken.",
                           valid_from=date(2024, 1, 1),
                           images=[(_page(uv=True, forged=True), "forged page under UV: no mark over the photo",
                                    "uv")])

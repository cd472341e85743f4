"""An assessor fills in a default-template assessment of a post, produces the PDF report (its pages rendered to
images here), closes an action; a training coordinator certifies an officer, who may then be given the
primary-officer role that requires the certificate (issue 17)."""

from __future__ import annotations

import pytest
from tests.browser.capture import screenshot

from openbmis.accounts import services as accounts
from openbmis.capacity import services
from openbmis.capacity.models import ActionItem, Assessment, Certificate
from openbmis.core.errors import Conflict

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PASSWORD = "pw-for-tests-1"


def login(page, base, username):
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")


def render_pdf(pdf: bytes, folder, stem: str) -> list:
    """Every page of the PDF as a PNG (PDFium); returns the images."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = []
    for index in range(len(document)):
        image = document[index].render(scale=1.5).to_pil()
        image.save(folder / f"{stem}-{index + 1}.png")
        images.append(image)
    return images


def test_assessment_report_action_and_certification(live_server, browser, page, screenshots, two_posts, make_user,
                                                     settings):
    settings.OPENBMIS_CERTIFICATION_ON_ASSIGN = "refuse"
    make_user("assessor", two_posts[0], username="assessor")
    make_user("training_coordinator", None, username="coordinator")
    officer = make_user(None, username="amina")
    admin = make_user("administrator", None, username="admin")
    course = services.create_course(admin, code="PRIM-1", title="Primary line", hours=40, validity_months=24)
    services.add_prerequisite(admin, role="primary_officer", course=course)
    base = live_server.url

    # 1. the assessor starts an assessment of TST-A with the default template and answers questions
    login(page, base, "assessor")
    page.click("#main-nav >> text=Capacity")
    page.click("[data-testid=new-assessment]")
    page.select_option("[data-testid=post]", "TST-A")
    page.fill("input[name=visit_date]", "2026-11-02")
    page.fill("input[name=team]", "Assessment mission")
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-testid=answers]")
    assert page.input_value("input[name=q-INF-LANES]") == "1"  # pre-filled from the post's lanes
    page.check("input[name=q-INF-FLOWS][value='4']")
    page.check("input[name=q-INF-SECONDARY][value=yes]")
    page.check("input[name=q-EQP-DOCKIT][value='1']")
    page.check("input[name=q-PRO-IDENTIFY][value='2']")
    page.check("input[name=q-HLT-ISOLATION][value=no]")
    page.select_option("select[name=q-COO-OSBP]", "not_applicable")
    page.fill("textarea[name=q-EQP-NOTES]", "UV lamp broken at lane A1")
    page.click("[data-testid=save]")
    page.wait_for_selector(".messages")
    assessment = Assessment.objects.get()
    assert assessment.answers["INF-FLOWS"]["value"] == 4
    assert page.inner_text("[data-testid=overall]") == str(assessment.scores["overall"])
    page.wait_for_selector("[data-testid=capacity-chart][data-drawn=chart]")

    # 2. a finding and an action
    page.fill("[data-testid=finding-form] textarea[name=text]", "Document examination kit incomplete")
    page.select_option("[data-testid=finding-form] select[name=severity]", "high")
    page.click("[data-testid=finding-form] button")
    page.wait_for_selector("[data-testid=findings] >> text=Document examination kit incomplete")
    page.fill("[data-testid=action-form] input[name=title]", "Buy UV lamps for every lane")
    page.fill("[data-testid=action-form] input[name=owner]", "Post commander")
    page.fill("[data-testid=action-form] input[name=due_date]", "2027-03-31")
    page.fill("[data-testid=action-form] input[name=cost_estimate]", "1200")
    page.click("[data-testid=action-form] button")
    page.wait_for_selector("[data-action='Buy UV lamps for every lane']")
    screenshot(page, screenshots / "capacity-assessment.png", full_page=True)

    # 3. the report: a PDF, opened and its pages rendered to images
    href = page.get_attribute("[data-testid=report]", "href")
    response = page.request.get(f"{base}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    images = render_pdf(response.body(), screenshots, "capacity-report")
    assert len(images) >= 2
    first = images[0].convert("L")
    assert first.getextrema()[0] < 100  # something dark is drawn (text, the chart), not a blank page
    assert sum(1 for count in first.histogram() if count) > 5  # more than a few shades: a rendered page

    # 4. the action is closed with evidence
    row = page.locator("[data-action='Buy UV lamps for every lane']")
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=evidence]").fill("Delivery note 2027-117")
    row.locator("button").click()
    page.wait_for_selector("[data-action='Buy UV lamps for every lane'] [data-testid=action-status]")
    assert "Done" in page.inner_text("[data-action='Buy UV lamps for every lane'] [data-testid=action-status]")
    assert ActionItem.objects.get().status == "done"

    # 5. without the certificate the primary-officer role is refused (configured: refuse)
    with pytest.raises(Conflict, match="PRIM-1"):
        accounts.assign_role(admin, officer, "primary_officer", two_posts[0])

    # 6. the training coordinator plans a session, enrols the officer and records a pass
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    coordinator_page = context.new_page()
    login(coordinator_page, base, "coordinator")
    coordinator_page.click("#main-nav >> text=Training")
    form = coordinator_page.locator("[data-testid=session-form]")
    form.locator("select[name=course]").select_option("PRIM-1")
    form.locator("input[name=starts_on]").fill("2026-10-05")
    form.locator("input[name=ends_on]").fill("2026-10-09")
    form.locator("input[name=capacity]").fill("12")
    form.locator("input[name=place]").fill("Moshi")
    form.locator("button").click()
    coordinator_page.wait_for_selector("[data-testid=enrol-form]")
    coordinator_page.fill("[data-testid=enrol-form] input[name=username]", "amina")
    coordinator_page.click("[data-testid=enrol-form] button")
    coordinator_page.wait_for_selector("[data-testid=record-result]")
    coordinator_page.click("[data-testid=record-result]")
    coordinator_page.wait_for_selector("[data-testid=certificate]")
    cert = Certificate.objects.get(holder=officer)
    assert coordinator_page.inner_text("[data-testid=certificate]") == cert.number
    screenshot(coordinator_page, screenshots / "capacity-certified.png", full_page=True)
    context.close()

    # 7. now the role can be given
    assignment = accounts.assign_role(admin, officer, "primary_officer", two_posts[0])
    assert assignment.warnings == []

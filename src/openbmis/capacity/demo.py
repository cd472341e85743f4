"""Demo capacity-building data (idempotent): an assessor and a training coordinator, two training institutions,
courses, the certificates the primary-officer role requires, equipment at the posts, and assessments of three posts
(two of AIR-CAP a year apart, to compare) with findings and an action plan."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from openbmis.accounts import services as accounts
from openbmis.accounts.models import User
from openbmis.accounts.roles import Role
from openbmis.borderposts.models import BorderPost
from openbmis.capacity import scoring, services
from openbmis.capacity.models import Assessment, Course, Equipment, Institution, RolePrerequisite

ACTOR = "demo-seed"

USERS = [("assessor", "Joyce Mutua", Role.ASSESSOR), ("trainer", "Hassan Ali", Role.TRAINING_COORDINATOR)]
INSTITUTIONS = [
    ("ACBC", "IOM African Capacity Building Centre", "TZA"),
    ("UTO-ACAD", "Utopia Immigration Academy", "UTO"),
]
COURSES = [
    ("PRIM-1", "Primary line inspection", "basic", 40, 36, ["MRZ", "interview", "entry conditions"]),
    ("DOC-1", "Document examination level 1", "basic", 24, 24, ["security features", "UV and IR", "impostors"]),
    ("DOC-2", "Document examination level 2", "advanced", 60, 36, ["forgery analysis", "reports"]),
    ("PSS-1", "Protection-sensitive screening", "basic", 16, None, ["vulnerability", "trafficking", "children"]),
    ("HLT-1", "Public health at points of entry", "basic", 12, None, ["IHR", "isolation", "referral"]),
]
# (post, lane or "", kind, model, serial, status)
EQUIPMENT = [
    ("AIR-CAP", "A1", "document_reader", "R-300", "AC-R-001", "working"),
    ("AIR-CAP", "A2", "document_reader", "R-300", "AC-R-002", "working"),
    ("AIR-CAP", "A1", "uv_lamp", "UV-12", "AC-UV-01", "working"),
    ("AIR-CAP", "", "camera", "FC-2", "AC-C-01", "working"),
    ("LND-BRG", "L1", "document_reader", "R-100", "LB-R-001", "faulty"),
    ("LND-BRG", "", "magnifier", "x10", "LB-M-01", "working"),
    ("LND-BRG", "", "generator", "G-5kVA", "LB-G-01", "working"),
]
# (post, visit date offset in days, level 0-4 around which the answers fall, submitted)
ASSESSMENTS = [("AIR-CAP", -400, 2, True), ("AIR-CAP", -30, 3, True), ("LND-BRG", -45, 1, True),
               ("SEA-PHV", -5, 2, False)]


def _answers(content: dict, level: int, rng: random.Random) -> dict:
    answers: dict = {}
    for code, question in scoring.questions(content).items():
        kind = question["kind"]
        if kind == "scale":
            answers[code] = max(0, min(4, level + rng.choice((-1, 0, 0, 1))))
        elif kind == "yes_no":
            answers[code] = rng.random() < 0.25 + level * 0.18
        elif kind == "choice":
            answers[code] = question["choices"][min(len(question["choices"]) - 1, level // 2 + 1)]["value"]
        elif kind == "number" and not question.get("prefill"):
            answers[code] = 2 + level * 2
    return answers


def load(password: str) -> None:
    """The capacity-building demo: its users (with the demo's ``password``), assessments and training."""
    if BorderPost.objects.filter(code="AIR-CAP").exists() is False:
        return
    with transaction.atomic():
        for username, full_name, role in USERS:
            if not User.objects.filter(username=username).exists():
                user = accounts.create_user(ACTOR, username=username, password=password, full_name=full_name,
                                            validate=False)
                accounts.assign_role(ACTOR, user, role, None)
        for code, name, country in INSTITUTIONS:
            if not Institution.objects.filter(code=code).exists():
                services.create_institution(ACTOR, code=code, name=name, country=country)
        for code, title, level, hours, validity, topics in COURSES:
            if not Course.objects.filter(code=code).exists():
                services.create_course(ACTOR, code=code, title=title, level=level, hours=hours,
                                       validity_months=validity, topics=topics)
        if RolePrerequisite.objects.exists():
            return  # loaded before
        today = timezone.localdate()
        _certify("PRIM-1", "ACBC", today - timedelta(days=200), ["officer", "officer2"])
        # officer2's document examination certificate runs out within the warning period
        _certify("DOC-1", "UTO-ACAD", services.add_months(today, -24) + timedelta(days=20), ["officer2"])
        _certify("DOC-1", "UTO-ACAD", today - timedelta(days=60), ["officer"])
        services.create_session(ACTOR, course=services.get_course("DOC-2"), starts_on=today + timedelta(days=30),
                                ends_on=today + timedelta(days=39), capacity=16,
                                institution=Institution.objects.get(code="ACBC"), place="Moshi",
                                trainers="ACBC document examination team",
                                border_post=BorderPost.objects.get(code="LND-BRG"))
        for code in ("PRIM-1", "DOC-1"):
            services.add_prerequisite(ACTOR, role=Role.PRIMARY_OFFICER, course=services.get_course(code))
        for post_code, lane, kind, model, serial, status in EQUIPMENT:
            if not Equipment.objects.filter(serial_number=serial).exists():
                services.register_equipment(ACTOR, BorderPost.objects.get(code=post_code), kind=kind, model=model,
                                            serial_number=serial, lane=lane, status=status,
                                            last_maintenance=today - timedelta(days=90))
        if not Assessment.objects.exists():
            _assessments(today)


def _certify(course_code: str, institution: str, ends_on: date, usernames: list[str]) -> None:
    session = services.create_session(ACTOR, course=services.get_course(course_code),
                                      starts_on=ends_on - timedelta(days=4), ends_on=ends_on, capacity=20,
                                      institution=Institution.objects.get(code=institution), place="Utopia City")
    for username in usernames:
        user = User.objects.filter(username=username).first()
        if user is not None:
            enrolment = services.enrol(ACTOR, session, user=user)
            services.record_result(ACTOR, enrolment, attended=True, result="passed", score=80)


def _assessments(today: date) -> None:
    rng = random.Random(17)
    for post_code, offset, level, submit in ASSESSMENTS:
        post = BorderPost.objects.get(code=post_code)
        assessment = services.create_assessment(ACTOR, border_post=post, visit_date=today + timedelta(days=offset),
                                                team="IOM assessment mission and national focal points")
        services.save_answers(ACTOR, assessment, _answers(assessment.template.content, level, rng))
        finding = services.add_finding(
            ACTOR, assessment, text="Not every primary-line officer is trained in document examination",
            severity="high" if level < 3 else "medium", section="documents", question="DOC-LEVEL1",
            recommendation="Train the remaining officers at level 1 and one examiner per shift at level 2",
            courses=["DOC-1", "DOC-2"])
        action = services.add_action(ACTOR, assessment, title="Send officers to document examination training",
                                     owner="Training coordinator", due_date=today + timedelta(days=90),
                                     cost_estimate="4500", finding=finding)
        if offset < -300:
            services.update_action(ACTOR, action, status="done", evidence="Certificates DOC-1 issued to the officers")
        services.add_action(ACTOR, assessment, title="Equip every lane with a UV lamp and a magnifier",
                            owner="Post commander", due_date=today + timedelta(days=60), cost_estimate="1800")
        if submit:
            services.submit_assessment(ACTOR, assessment)

"""Write path for capacity building: templates, assessments, findings and the action plan, the equipment register,
courses, sessions, enrolments and certificates, and role prerequisites. Every write is audited."""

from __future__ import annotations

import secrets
from calendar import monthrange
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeAlias, TypedDict
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openbmis.accounts.actors import Actor
from openbmis.accounts.models import RoleAssignment, User
from openbmis.accounts.roles import OFFICERS, Role
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.capacity import default_template, scoring
from openbmis.capacity.models import (
    ActionItem,
    Assessment,
    AssessmentTemplate,
    Certificate,
    Course,
    Enrolment,
    Equipment,
    Finding,
    Institution,
    Photo,
    RolePrerequisite,
    TrainingSession,
)
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.core.uploads import upload_limit

PREFILL_DAYS = 90
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}

#: An amount as the API (Decimal), a form (text) or the demo (a number) gives it; checked by ``_decimal``.
Amount: TypeAlias = "Decimal | float | str | None"


class Prefill(TypedDict):
    """What the system knew about a post (or the country) when a visit began: stored in the assessment's
    ``prefill``, returned by the API, and offered as answers by the template questions that name a key."""

    period_days: int
    until: str  # ISO date
    crossings: int
    refusals: int
    referrals: int
    hits: int
    peak_hour_travellers: int
    officers_assigned: int
    lanes: int
    document_readers: int
    equipment: dict[str, int]  # working equipment by kind
    lanes_without_reader: list[str]


class SessionPlanned(TypedDict):
    id: str
    starts_on: str  # ISO date
    place: str


class CourseNeed(TypedDict):
    """One row of the training needs (``needs_by_post``), as the API returns it and the dashboard shows it."""

    post: str
    course: str
    title: str
    officers: int
    trained: int
    sessions: list[SessionPlanned]


def _post_code(post: BorderPost | None) -> str:
    return post.code if post is not None else ""


# --- templates -------------------------------------------------------------------------------------------

def create_template(actor: Actor, content: Mapping[str, object]) -> AssessmentTemplate:
    """Store a new version of a template (versions are numbered per code; a stored version never changes)."""
    try:
        scoring.validate_template(content)
    except scoring.TemplateError as exc:
        raise InvalidInput(_("template: %(error)s")
                           % {"error": exc}, field="content", where=exc.where) from None
    code, title = str(content["code"]), str(content["title"])  # validated: both present
    with transaction.atomic():
        last = AssessmentTemplate.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
        version = last + 1
        template = AssessmentTemplate.objects.create(code=code, version=version, title=title,
                                                     content={**content, "version": version})
        audit.record(actor=actor, action="capacity.template_create", object_type="assessment_template",
                     object_id=str(template.id), object_label=str(template),
                     after={"code": template.code, "version": version,
                            "questions": len(scoring.questions(template.content))})
    return template


def default() -> AssessmentTemplate:
    """The latest version of the shipped template, stored the first time it is needed."""
    found = AssessmentTemplate.objects.filter(code=default_template.CODE).first()
    return found or create_template(audit.SYSTEM, default_template.content())


def get_template(template_id: UUID | str) -> AssessmentTemplate:
    try:
        return AssessmentTemplate.objects.get(pk=template_id)
    except (AssessmentTemplate.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("no such assessment template"), field="template") from None


# --- assessments -----------------------------------------------------------------------------------------

def prefill(post: BorderPost | None, on: date | None = None) -> Prefill:
    """What the system already knows about a post (or the country) over the last 90 days."""
    from openbmis.inspections.models import Crossing, Referral
    from openbmis.watchlists.models import Hit

    end = on or timezone.localdate()
    since = end - timedelta(days=PREFILL_DAYS)
    crossings = Crossing.objects.filter(local_date__gt=since, local_date__lte=end)
    referrals = Referral.objects.filter(referred_at__date__gt=since, referred_at__date__lte=end)
    hits = Hit.objects.filter(created_at__date__gt=since, created_at__date__lte=end)
    assignments = RoleAssignment.objects.filter(role__in=[r.value for r in OFFICERS])
    equipment = Equipment.objects.exclude(status=Equipment.Status.RETIRED)
    lanes = 0
    if post is not None:
        crossings = crossings.filter(border_post=post)
        referrals = referrals.filter(border_post=post)
        hits = hits.filter(border_post=post)
        assignments = assignments.filter(border_post=post)
        equipment = equipment.filter(border_post=post)
        lanes = post.lanes.filter(active=True).count()
    else:
        from openbmis.borderposts.models import Lane

        lanes = Lane.objects.filter(active=True).count()
    busiest = (crossings.annotate(hour=ExtractHour("at")).values("local_date", "hour").annotate(n=Count("id"))
               .order_by("-n").values_list("n", flat=True).first())
    by_kind = dict(equipment.filter(status=Equipment.Status.WORKING).values_list("kind").annotate(n=Count("id")))
    return {
        "period_days": PREFILL_DAYS,
        "until": end.isoformat(),
        "crossings": crossings.count(),
        "refusals": crossings.filter(decision="refuse").count(),
        "referrals": referrals.count(),
        "hits": hits.count(),
        "peak_hour_travellers": busiest or 0,
        "officers_assigned": assignments.values("user").distinct().count(),
        "lanes": lanes,
        "document_readers": by_kind.get(Equipment.Kind.DOCUMENT_READER, 0),
        "equipment": {str(kind): n for kind, n in sorted(by_kind.items())},
        "lanes_without_reader": [lane for lane in lanes_without_reader(post)] if post is not None else [],
    }


def _rescore(assessment: Assessment) -> None:
    values = {code: answer.get("value") for code, answer in assessment.answers.items()}
    assessment.scores = scoring.score(assessment.template.content, values, assessment.prefill)


def create_assessment(actor: Actor, *, border_post: BorderPost | None, visit_date: date, team: str = "",
                      template: AssessmentTemplate | None = None) -> Assessment:
    template = template or default()
    if visit_date > timezone.localdate() + timedelta(days=366):
        raise InvalidInput(_("the visit date is more than a year ahead"), field="visit_date")
    assessment = Assessment(template=template, border_post=border_post, visit_date=visit_date, team=team.strip(),
                            created_by=actor if isinstance(actor, User) else None)
    assessment.prefill = prefill(border_post, min(visit_date, timezone.localdate()))
    questions = scoring.questions(template.content)
    assessment.answers = {code: {"value": assessment.prefill[q["prefill"]], "prefilled": True}
                          for code, q in questions.items() if q.get("prefill") in assessment.prefill}
    _rescore(assessment)
    with transaction.atomic():
        assessment.save()
        audit.record(actor=actor, action="capacity.assessment_create", object_type="assessment",
                     object_id=str(assessment.id), object_label=f"{assessment.where} {visit_date}",
                     border_post_code=_post_code(border_post),
                     after={"template": str(template), "visit_date": visit_date.isoformat(), "team": assessment.team})
    return assessment


def get_assessment(assessment_id: UUID | str) -> Assessment:
    try:
        return Assessment.objects.select_related("template", "border_post").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("no such assessment"), field="assessment") from None


def _editable(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.DRAFT:
        raise Conflict(_("this assessment is submitted: it can no longer be changed"), field="status")


def save_answers(actor: Actor, assessment: Assessment, answers: Mapping[str, object],
                 notes: dict[str, str] | None = None) -> Assessment:
    """Record answers (code -> value; None clears). Every answer is checked first: one bad answer refuses all,
    naming the question."""
    _editable(assessment)
    questions = scoring.questions(assessment.template.content)
    cleaned: dict[str, object] = {}
    for code, value in answers.items():
        if code not in questions:
            raise InvalidInput(_("unknown question %(code)r") % {"code": code}, field=code)
        try:
            cleaned[code] = scoring.clean_answer(questions[code], value)
        except scoring.AnswerError as exc:
            problem = _(exc.message) % exc.params if exc.params else _(exc.message)  # marked in scoring
            raise InvalidInput(_("%(question)s: %(problem)s") % {"question": exc.question, "problem": problem},
                               field=code) from None
    notes = notes or {}
    for code in notes:
        if code not in questions:
            raise InvalidInput(_("unknown question %(code)r") % {"code": code}, field=code)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("template").get(pk=assessment.pk)
        _editable(assessment)
        before = {code: assessment.answers.get(code, {}).get("value") for code in cleaned}
        stored = dict(assessment.answers)
        for code, value in cleaned.items():
            entry = {k: v for k, v in stored.get(code, {}).items() if k == "note"}
            if value is not None:
                entry["value"] = value
            if entry:
                stored[code] = entry
            else:
                stored.pop(code, None)
        for code, note in notes.items():
            entry = dict(stored.get(code, {}))
            if note.strip():
                entry["note"] = note.strip()[:2000]
            else:
                entry.pop("note", None)
            stored[code] = entry
        assessment.answers = stored
        _rescore(assessment)
        assessment.save(update_fields=["answers", "scores", "updated_at"])
        audit.record(actor=actor, action="capacity.answers", object_type="assessment", object_id=str(assessment.id),
                     object_label=f"{assessment.where} {assessment.visit_date}",
                     border_post_code=_post_code(assessment.border_post), before=before,
                     after={"answers": cleaned, "overall": assessment.scores.get("overall")})
    return assessment


def submit_assessment(actor: Actor, assessment: Assessment) -> Assessment:
    _editable(assessment)
    with transaction.atomic():
        assessment.status = Assessment.Status.SUBMITTED
        assessment.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="capacity.assessment_submit", object_type="assessment",
                     object_id=str(assessment.id), object_label=f"{assessment.where} {assessment.visit_date}",
                     border_post_code=_post_code(assessment.border_post),
                     after={"overall": assessment.scores.get("overall")})
    return assessment


def add_photo(actor: Actor, assessment: Assessment, *, question: str, content_type: str, data: bytes,
              caption: str = "") -> Photo:
    _editable(assessment)
    if question not in scoring.questions(assessment.template.content):
        raise InvalidInput(_("unknown question %(question)r") % {"question": question}, field="question")
    if content_type not in PHOTO_TYPES:
        raise InvalidInput(_("a photo must be JPEG, PNG or WebP"), field="photo")
    if not data or len(data) > upload_limit("image"):
        raise InvalidInput(_("a photo must be between 1 byte and 5 MB"), field="photo")
    signatures = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG", "image/webp": b"RIFF"}
    if not data.startswith(signatures[content_type]):
        raise InvalidInput(_("the file is not the image it claims to be"), field="photo")
    with transaction.atomic():
        photo = Photo.objects.create(assessment=assessment, question=question, content_type=content_type, data=data,
                                     caption=caption.strip()[:200])
        audit.record(actor=actor, action="capacity.photo", object_type="assessment", object_id=str(assessment.id),
                     border_post_code=_post_code(assessment.border_post),
                     after={"photo": str(photo.id), "question": question, "bytes": len(data)})
    return photo


def _courses(codes: list[str]) -> list[Course]:
    found = {c.code: c for c in Course.objects.filter(code__in=[c.strip().upper() for c in codes])}
    unknown = sorted({c.strip().upper() for c in codes} - set(found))
    if unknown:
        raise InvalidInput(_("unknown course(s) %(unknown)s")
                           % {"unknown": ', '.join(unknown)}, field="courses")
    return list(found.values())


def add_finding(actor: Actor, assessment: Assessment, *, text: str, severity: str = "medium", recommendation: str = "",
                section: str = "", question: str = "", courses: list[str] | None = None) -> Finding:
    if not text.strip():
        raise InvalidInput(_("a finding needs its text"), field="text")
    if severity not in Finding.Severity.values:
        raise InvalidInput(_("severity must be one of %(choices)s")
                           % {"choices": ', '.join(Finding.Severity.values)}, field="severity")
    content = assessment.template.content
    if section and section not in {s["code"] for s in content["sections"]}:
        raise InvalidInput(_("unknown section %(section)r") % {"section": section}, field="section")
    if question and question not in scoring.questions(content):
        raise InvalidInput(_("unknown question %(question)r") % {"question": question}, field="question")
    wanted = _courses(courses or [])
    with transaction.atomic():
        finding = Finding.objects.create(assessment=assessment, text=text.strip(), severity=severity,
                                         recommendation=recommendation.strip(), section=section, question=question)
        finding.courses.set(wanted)
        audit.record(actor=actor, action="capacity.finding", object_type="assessment", object_id=str(assessment.id),
                     border_post_code=_post_code(assessment.border_post),
                     after={"finding": str(finding.id), "severity": severity, "section": section,
                            "courses": sorted(c.code for c in wanted)})
    return finding


def _decimal(value: Amount, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("expected an amount"), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidInput(_("expected an amount of zero or more"), field=field)
    return amount.quantize(Decimal("0.01"))


def add_action(actor: Actor, assessment: Assessment, *, title: str, owner: str, due_date: date | None = None,
               cost_estimate: Amount = None, currency: str = "USD", finding: Finding | None = None) -> ActionItem:
    if not title.strip():
        raise InvalidInput(_("an action needs a title"), field="title")
    if not owner.strip():
        raise InvalidInput(_("an action needs an owner"), field="owner")
    if finding is not None and finding.assessment_id != assessment.id:
        raise InvalidInput(_("that finding belongs to another assessment"), field="finding")
    if len(currency.strip()) != 3 or not currency.strip().isalpha():
        raise InvalidInput(_("currency is a three-letter ISO 4217 code"), field="currency")
    cost = _decimal(cost_estimate, "cost_estimate")
    with transaction.atomic():
        action = ActionItem.objects.create(assessment=assessment, finding=finding, title=title.strip(),
                                           owner=owner.strip(), due_date=due_date, cost_estimate=cost,
                                           currency=currency.strip().upper())
        audit.record(actor=actor, action="capacity.action_create", object_type="action_item", object_id=str(action.id),
                     object_label=action.title[:80], border_post_code=_post_code(assessment.border_post),
                     after=audit.snapshot(action))
    return action


def get_action(action_id: UUID | str) -> ActionItem:
    try:
        return ActionItem.objects.select_related("assessment__border_post").get(pk=action_id)
    except (ActionItem.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("no such action"), field="action") from None


def update_action(actor: Actor, action: ActionItem, *, status: str, evidence: str = "") -> ActionItem:
    """Move an action along. Done needs evidence of completion; a closed action (done, cancelled) stays closed."""
    if status not in ActionItem.Status.values:
        raise InvalidInput(_("status must be one of %(choices)s")
                           % {"choices": ', '.join(ActionItem.Status.values)}, field="status")
    if action.status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED):
        raise Conflict(_("this action is closed"), field="status")
    evidence = evidence.strip() or action.evidence
    if status == ActionItem.Status.DONE and not evidence:
        raise InvalidInput(_("closing an action needs evidence of completion"), field="evidence")
    before = {"status": action.status, "evidence": action.evidence}
    with transaction.atomic():
        action.status, action.evidence = status, evidence
        if status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED):
            action.closed_at = timezone.now()
        action.save(update_fields=["status", "evidence", "closed_at"])
        audit.record(actor=actor, action="capacity.action_update", object_type="action_item", object_id=str(action.id),
                     object_label=action.title[:80], border_post_code=_post_code(action.assessment.border_post),
                     before=before, after={"status": status, "evidence": evidence})
    return action


# --- equipment -------------------------------------------------------------------------------------------

def register_equipment(actor: Actor, post: BorderPost, *, kind: str, model: str = "", serial_number: str = "",
                       lane: str = "", status: str = "working", last_maintenance: date | None = None) -> Equipment:
    if kind not in Equipment.Kind.values:
        raise InvalidInput(_("kind must be one of %(choices)s")
                           % {"choices": ', '.join(Equipment.Kind.values)}, field="kind")
    if status not in Equipment.Status.values:
        raise InvalidInput(_("status must be one of %(choices)s")
                           % {"choices": ', '.join(Equipment.Status.values)}, field="status")
    lane_row = None
    if lane:
        lane_row = post.lanes.filter(code=lane).first()
        if lane_row is None:
            raise InvalidInput(_("%(code)s has no lane %(lane)r")
                               % {"code": post.code, "lane": lane}, field="lane")
    if last_maintenance is not None and last_maintenance > timezone.localdate():
        raise InvalidInput(_("the last maintenance cannot be in the future"), field="last_maintenance")
    with transaction.atomic():
        item = Equipment.objects.create(border_post=post, lane=lane_row, kind=kind, model=model.strip(),
                                        serial_number=serial_number.strip(), status=status,
                                        last_maintenance=last_maintenance)
        audit.record(actor=actor, action="capacity.equipment_register", object_type="equipment",
                     object_id=str(item.id), object_label=f"{kind} {item.serial_number}".strip(),
                     border_post_code=post.code, after=audit.snapshot(item))
    return item


def update_equipment(actor: Actor, item: Equipment, *, status: str, last_maintenance: date | None = None) -> Equipment:
    if status not in Equipment.Status.values:
        raise InvalidInput(_("status must be one of %(choices)s")
                           % {"choices": ', '.join(Equipment.Status.values)}, field="status")
    before = audit.snapshot(item, ["status", "last_maintenance"])
    with transaction.atomic():
        item.status = status
        if last_maintenance is not None:
            item.last_maintenance = last_maintenance
        item.save(update_fields=["status", "last_maintenance"])
        audit.record(actor=actor, action="capacity.equipment_update", object_type="equipment", object_id=str(item.id),
                     border_post_code=item.border_post.code, before=before,
                     after=audit.snapshot(item, ["status", "last_maintenance"]))
    return item


def lanes_without_reader(post: BorderPost) -> list[str]:
    """Active lanes with no working document reader on record (a reader on no lane serves none)."""
    served = set(Equipment.objects.filter(border_post=post, kind=Equipment.Kind.DOCUMENT_READER,
                                          status=Equipment.Status.WORKING, lane__isnull=False)
                 .values_list("lane__code", flat=True))
    return [lane.code for lane in post.lanes.filter(active=True) if lane.code not in served]


# --- training --------------------------------------------------------------------------------------------

def create_institution(actor: Actor, *, code: str, name: str, country: str = "") -> Institution:
    code = code.strip().upper()
    if not code or not name.strip():
        raise InvalidInput(_("an institution needs a code and a name"), field="code" if not code else "name")
    if Institution.objects.filter(code=code).exists():
        raise Conflict(_("an institution %(code)s already exists") % {"code": code}, field="code")
    with transaction.atomic():
        institution = Institution.objects.create(code=code, name=name.strip(), country=country.strip().upper())
        audit.record(actor=actor, action="training.institution_create", object_type="institution",
                     object_id=str(institution.id), object_label=code, after=audit.snapshot(institution))
    return institution


def create_course(actor: Actor, *, code: str, title: str, hours: int, level: str = "basic",
                  topics: list[str] | None = None, validity_months: int | None = None) -> Course:
    code = code.strip().upper()
    if not code:
        raise InvalidInput(_("a course needs a code"), field="code")
    if not title.strip():
        raise InvalidInput(_("a course needs a title"), field="title")
    if level not in Course.Level.values:
        raise InvalidInput(_("level must be one of %(choices)s")
                           % {"choices": ', '.join(Course.Level.values)}, field="level")
    if hours < 1:
        raise InvalidInput(_("a course lasts at least one hour"), field="hours")
    if validity_months is not None and not 1 <= validity_months <= 240:
        raise InvalidInput(_("validity is 1 to 240 months (or none)"), field="validity_months")
    if Course.objects.filter(code=code).exists():
        raise Conflict(_("a course %(code)s already exists") % {"code": code}, field="code")
    with transaction.atomic():
        course = Course.objects.create(code=code, title=title.strip(), hours=hours, level=level,
                                       topics=[t.strip() for t in topics or [] if t.strip()],
                                       validity_months=validity_months)
        audit.record(actor=actor, action="training.course_create", object_type="course", object_id=str(course.id),
                     object_label=code, after=audit.snapshot(course))
    return course


def get_course(code: str) -> Course:
    try:
        return Course.objects.get(code=code.strip().upper())
    except Course.DoesNotExist:
        raise NotFound(_("no course %(code)r") % {"code": code}, field="course") from None


def create_session(actor: Actor, *, course: Course, starts_on: date, ends_on: date, capacity: int,
                   institution: Institution | None = None, place: str = "", trainers: str = "",
                   border_post: BorderPost | None = None) -> TrainingSession:
    if ends_on < starts_on:
        raise InvalidInput(_("a session cannot end before it starts"), field="ends_on")
    if capacity < 1:
        raise InvalidInput(_("a session has at least one place"), field="capacity")
    with transaction.atomic():
        session = TrainingSession.objects.create(course=course, institution=institution, starts_on=starts_on,
                                                 ends_on=ends_on, capacity=capacity, place=place.strip(),
                                                 trainers=trainers.strip(), border_post=border_post)
        audit.record(actor=actor, action="training.session_create", object_type="training_session",
                     object_id=str(session.id), object_label=f"{course.code} {starts_on}",
                     border_post_code=_post_code(border_post), after=audit.snapshot(session))
    return session


def get_session(session_id: UUID | str) -> TrainingSession:
    try:
        return TrainingSession.objects.select_related("course", "institution").get(pk=session_id)
    except (TrainingSession.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("no such training session"), field="session") from None


def enrol(actor: Actor, session: TrainingSession, *, user: User | None = None, external_name: str = "",
          external_organisation: str = "") -> Enrolment:
    """Enrol an officer (a user) or an external participant (a name), within the session's places."""
    if (user is None) == (not external_name.strip()):
        raise InvalidInput(_("enrol either a user or an external participant by name"), field="user")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.enrolments.count() >= locked.capacity:
            raise Conflict(ngettext("the session is full (%(capacity)d place)", "the session is full (%(capacity)d places)",
                                    locked.capacity) % {"capacity": locked.capacity}, field="session")
        if user is not None and locked.enrolments.filter(user=user).exists():
            raise Conflict(_("%(username)s is already enrolled") % {"username": user.username}, field="user")
        enrolment = Enrolment.objects.create(session=locked, user=user, external_name=external_name.strip(),
                                             external_organisation=external_organisation.strip())
        audit.record(actor=actor, action="training.enrol", object_type="training_session", object_id=str(session.id),
                     object_label=f"{session.course.code} {session.starts_on}",
                     after={"enrolment": str(enrolment.id), "user": user.username if user else None,
                            "external": bool(external_name.strip())})
    return enrolment


def get_enrolment(enrolment_id: UUID | str) -> Enrolment:
    try:
        return Enrolment.objects.select_related("session__course", "user").get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("no such enrolment"), field="enrolment") from None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def record_result(actor: Actor, enrolment: Enrolment, *, attended: bool, result: str,
                  score: Amount = None) -> Enrolment:
    """Record attendance and the result; a participant who attended and passed gets a certificate, numbered,
    with a verification code, valid for the course's validity from the session's last day."""
    if result not in Enrolment.Result.values:
        raise InvalidInput(_("result must be one of %(choices)s")
                           % {"choices": ', '.join(Enrolment.Result.values)}, field="result")
    if result == Enrolment.Result.PASSED and not attended:
        raise InvalidInput(_("a participant who did not attend cannot pass"), field="result")
    if hasattr(enrolment, "certificate"):
        raise Conflict(_("a certificate was already issued for this enrolment"), field="result")
    amount = _decimal(score, "score")
    if amount is not None and amount > 100:
        raise InvalidInput(_("a score is 0 to 100"), field="score")
    session = enrolment.session
    with transaction.atomic():
        enrolment.attended, enrolment.result, enrolment.score = attended, result, amount
        enrolment.save(update_fields=["attended", "result", "score"])
        certificate = None
        if result == Enrolment.Result.PASSED:
            issued = session.ends_on
            course = session.course
            expires = add_months(issued, course.validity_months) if course.validity_months else None
            certificate = Certificate.objects.create(
                number=f"{course.code}-{issued:%Y}-{secrets.token_hex(4).upper()}",
                verification_code=secrets.token_hex(4).upper(), enrolment=enrolment, course=course,
                holder=enrolment.user, holder_name=enrolment.participant, issued_on=issued, expires_on=expires)
        audit.record(actor=actor, action="training.result", object_type="training_session", object_id=str(session.id),
                     object_label=f"{session.course.code} {session.starts_on}",
                     after={"enrolment": str(enrolment.id), "attended": attended, "result": result,
                            "certificate": certificate.number if certificate else None})
    return enrolment


def verify_certificate(number: str, code: str, on: date | None = None) -> str:
    """valid, expired, revoked or not_found: nothing more is told (not even the holder)."""
    on = on or timezone.localdate()
    cert = Certificate.objects.filter(number=number.strip().upper()).first()
    if cert is None or not secrets.compare_digest(cert.verification_code, code.strip().upper()):
        return "not_found"
    if cert.revoked_at is not None:
        return "revoked"
    if cert.expires_on is not None and cert.expires_on < on:
        return "expired"
    return "valid"


def get_certificate(number: str) -> Certificate:
    try:
        return Certificate.objects.select_related("course", "holder", "enrolment__session__institution").get(
            number=number.strip().upper())
    except Certificate.DoesNotExist:
        raise NotFound(_("no certificate %(number)r") % {"number": number}, field="number") from None


def revoke_certificate(actor: Actor, cert: Certificate, reason: str) -> Certificate:
    if not reason.strip():
        raise InvalidInput(_("a reason is required"), field="reason")
    if cert.revoked_at is not None:
        raise Conflict(_("this certificate is already revoked"))
    with transaction.atomic():
        cert.revoked_at = timezone.now()
        cert.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="training.certificate_revoke", object_type="certificate",
                     object_id=str(cert.id), object_label=cert.number, reason=reason.strip())
    return cert


def add_prerequisite(actor: Actor, *, role: str, course: Course) -> RolePrerequisite:
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(_("unknown role %(role)r") % {"role": role}, field="role") from None
    if RolePrerequisite.objects.filter(role=role_value, course=course).exists():
        raise Conflict(_("%(role)s already requires %(code)s")
                       % {"role": role_value.value, "code": course.code}, field="course")
    with transaction.atomic():
        prerequisite = RolePrerequisite.objects.create(role=role_value, course=course)
        audit.record(actor=actor, action="training.prerequisite_add", object_type="role_prerequisite",
                     object_id=str(prerequisite.id), object_label=f"{role_value.value} {course.code}",
                     after={"role": role_value.value, "course": course.code})
    return prerequisite


def remove_prerequisite(actor: Actor, prerequisite: RolePrerequisite) -> None:
    with transaction.atomic():
        before = {"role": prerequisite.role, "course": prerequisite.course.code}
        prerequisite.delete()
        audit.record(actor=actor, action="training.prerequisite_remove", object_type="role_prerequisite",
                     object_label=f"{before['role']} {before['course']}", before=before)


# --- reading ---------------------------------------------------------------------------------------------

def needs_by_post(post_ids: Collection[UUID] | None = None) -> list[CourseNeed]:
    """Per post: the courses its open findings call for, the officers there holding a valid certificate for each,
    and the sessions planned (not yet ended) for it, side by side."""
    from openbmis.capacity.certification import valid_certificates

    posts = BorderPost.objects.all() if post_ids is None else BorderPost.objects.filter(id__in=post_ids)
    today = timezone.localdate()
    rows: list[CourseNeed] = []
    for post in posts:
        courses = {c.code: c for c in Course.objects.filter(findings__assessment__border_post=post).distinct()}
        if not courses:
            continue
        officers = User.objects.filter(role_assignments__border_post=post,
                                       role_assignments__role__in=[r.value for r in OFFICERS]).distinct()
        trained: dict[str, int] = dict.fromkeys(courses, 0)
        for officer in officers:
            have = valid_certificates(officer)
            for code, course in courses.items():
                if str(course.id) in have:
                    trained[code] += 1
        for code, course in sorted(courses.items()):
            sessions = TrainingSession.objects.filter(Q(border_post=post) | Q(border_post__isnull=True), course=course,
                                                      ends_on__gte=today)
            rows.append({"post": post.code, "course": code, "title": course.title, "officers": len(officers),
                         "trained": trained[code],
                         "sessions": [{"id": str(s.id), "starts_on": s.starts_on.isoformat(), "place": s.place}
                                      for s in sessions]})
    return rows

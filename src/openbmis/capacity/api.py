"""Capacity building over the API: assessments and their action plan, equipment, training and certificates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.accounts.models import User
from openbmis.borderposts.models import BorderPost
from openbmis.capacity import certification, reports, services
from openbmis.capacity.models import (
    Assessment,
    AssessmentTemplate,
    Certificate,
    Course,
    Equipment,
    TrainingSession,
)
from openbmis.core.errors import AccessDenied, InvalidInput, NotFound
from openbmis.core.uploads import upload_limit

router = Router(tags=["capacity building"])
training_router = Router(tags=["training and certification"])
public_router = Router(tags=["training and certification"])


def _post(code: str | None, field: str = "border_post") -> BorderPost | None:
    if not code:
        return None
    post = BorderPost.objects.filter(code=code.strip().upper()).first()
    if post is None:
        raise InvalidInput(_("unknown border post %(code)r") % {"code": code}, field=field)
    return post


def _scoped(queryset: Any, request: HttpRequest, permission: str, field: str = "border_post") -> Any:
    scope = authz.post_scope(request.user, permission, token_of(request))
    if isinstance(scope, authz.AllPosts):
        return queryset
    return queryset.filter(**{f"{field}_id__in": scope})


def _require_at(request: HttpRequest, permission: str, post: BorderPost | None) -> None:
    """At a post: the permission there; at the national level (no post): the permission held nationally."""
    if post is not None:
        authz.require(request.user, permission, post, token=token_of(request))
        return
    authz.require(request.user, permission, token=token_of(request))
    if not isinstance(authz.post_scope(request.user, permission, token_of(request)), authz.AllPosts):
        raise AccessDenied(_("the national level needs the role held nationally"))


# --- assessments -----------------------------------------------------------------------------------------

class TemplateOut(Schema):
    id: UUID
    code: str
    version: int
    title: str
    content: dict[str, Any]


@router.get("/templates", response=list[TemplateOut], summary="Assessment templates (every version)")
def list_templates(request: HttpRequest) -> list[AssessmentTemplate]:
    authz.require(request.user, "capacity.view", token=token_of(request))
    services.default()
    return list(AssessmentTemplate.objects.all())


class AssessmentIn(Schema):
    border_post: str | None = Field(default=None, description="post code; empty for the national level")
    visit_date: date
    team: str = Field(default="", max_length=300)
    template: UUID | None = Field(default=None, description="a template version; default: the shipped template")


class AssessmentSummary(Schema):
    id: UUID
    border_post: str | None
    visit_date: date
    team: str
    status: str
    template: str
    overall: float | None


class AssessmentOut(AssessmentSummary):
    prefill: dict[str, Any]
    answers: dict[str, Any]
    scores: dict[str, Any]
    findings: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    photos: list[dict[str, Any]]


def _summary(a: Assessment) -> dict[str, Any]:
    return {"id": a.id, "border_post": a.border_post.code if a.border_post else None, "visit_date": a.visit_date,
            "team": a.team, "status": a.status, "template": str(a.template), "overall": a.scores.get("overall")}


def action_dict(item: Any) -> dict[str, Any]:
    return {"id": str(item.id), "title": item.title, "owner": item.owner, "finding": str(item.finding_id or "") or None,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "cost_estimate": str(item.cost_estimate) if item.cost_estimate is not None else None,
            "currency": item.currency, "status": item.status, "evidence": item.evidence}


def _detail(a: Assessment) -> dict[str, Any]:
    return {**_summary(a), "prefill": a.prefill, "answers": a.answers, "scores": a.scores,
            "findings": [{"id": str(f.id), "text": f.text, "severity": f.severity, "section": f.section,
                          "question": f.question, "recommendation": f.recommendation,
                          "courses": sorted(c.code for c in f.courses.all())} for f in a.findings.all()],
            "actions": [action_dict(item) for item in a.actions.all()],
            "photos": [{"id": str(p.id), "question": p.question, "caption": p.caption}
                       for p in a.photos.only("id", "question", "caption")]}


def _assessment(request: HttpRequest, assessment_id: UUID, permission: str) -> Assessment:
    assessment = services.get_assessment(assessment_id)
    _require_at(request, permission, assessment.border_post)
    return assessment


@router.get("/assessments", response=list[AssessmentSummary], summary="Assessments of the posts in your scope")
def list_assessments(request: HttpRequest, border_post: str = "") -> list[dict[str, Any]]:
    authz.require(request.user, "capacity.view", token=token_of(request))
    found = _scoped(Assessment.objects.select_related("template", "border_post"), request, "capacity.view")
    if border_post:
        found = found.filter(border_post=_post(border_post))
    return [_summary(a) for a in found[:500]]


@router.post("/assessments", response={201: AssessmentOut}, summary="Start an assessment (assessors)")
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status[dict[str, Any]]:
    """Pre-fills what the system knows of the post over the last 90 days (traffic, busiest hour, refusals,
    referrals, hits, officers, lanes, equipment)."""
    post = _post(payload.border_post)
    _require_at(request, "capacity.assess", post)
    template = services.get_template(payload.template) if payload.template else None
    assessment = services.create_assessment(request.user, border_post=post, visit_date=payload.visit_date,
                                            team=payload.team, template=template)
    return Status(201, _detail(assessment))


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="One assessment with its scores")
def get_assessment(request: HttpRequest, assessment_id: UUID) -> dict[str, Any]:
    return _detail(_assessment(request, assessment_id, "capacity.view"))


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(default_factory=dict, description="question code -> value (null clears)")
    notes: dict[str, str] = Field(default_factory=dict)


@router.put("/assessments/{assessment_id}/answers", response=AssessmentOut, summary="Record answers")
def save_answers(request: HttpRequest, assessment_id: UUID, payload: AnswersIn) -> dict[str, Any]:
    """One bad answer refuses them all (422) naming the question in `field`."""
    assessment = _assessment(request, assessment_id, "capacity.assess")
    return _detail(services.save_answers(request.user, assessment, payload.answers, payload.notes))


@router.post("/assessments/{assessment_id}/submit", response=AssessmentOut, summary="Submit (no more changes)")
def submit(request: HttpRequest, assessment_id: UUID) -> dict[str, Any]:
    return _detail(services.submit_assessment(request.user, _assessment(request, assessment_id, "capacity.assess")))


class CreatedOut(Schema):
    id: UUID


@router.post("/assessments/{assessment_id}/photos", response={201: CreatedOut},
             summary="Add a photo as evidence for a question (multipart: file, question, caption)")
def add_photo(request: HttpRequest, assessment_id: UUID, file: File[UploadedFile],
              question: str = Form(..., max_length=40), caption: str = Form("", max_length=200)) -> Status[Any]:
    """JPEG, PNG or WebP up to 5 MB, checked by its signature; stored with the assessment (it travels with it)."""
    assessment = _assessment(request, assessment_id, "capacity.assess")
    data = file.read(upload_limit("image") + 1)
    return Status(201, services.add_photo(request.user, assessment, question=question,
                                          content_type=file.content_type or "", data=data, caption=caption))


class FindingIn(Schema):
    text: str = Field(min_length=1, max_length=4000)
    severity: Literal["low", "medium", "high"] = "medium"
    recommendation: str = Field(default="", max_length=4000)
    section: str = ""
    question: str = ""
    courses: list[str] = Field(default_factory=list, description="codes of courses that would close the gap")


@router.post("/assessments/{assessment_id}/findings", response={201: CreatedOut}, summary="Add a finding")
def add_finding(request: HttpRequest, assessment_id: UUID, payload: FindingIn) -> Status[Any]:
    assessment = _assessment(request, assessment_id, "capacity.assess")
    return Status(201, services.add_finding(request.user, assessment, **payload.dict()))


class ActionIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=120)
    due_date: date | None = None
    cost_estimate: Decimal | None = Field(default=None, ge=0)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    finding: UUID | None = None


class ActionOut(Schema):
    id: str
    title: str
    owner: str
    finding: str | None
    due_date: str | None
    cost_estimate: str | None
    currency: str
    status: str
    evidence: str


@router.post("/assessments/{assessment_id}/actions", response={201: ActionOut}, summary="Add an action to the plan")
def add_action(request: HttpRequest, assessment_id: UUID, payload: ActionIn) -> Status[dict[str, Any]]:
    assessment = _assessment(request, assessment_id, "capacity.assess")
    finding = assessment.findings.filter(pk=payload.finding).first() if payload.finding else None
    if payload.finding and finding is None:
        raise InvalidInput(_("no such finding in this assessment"), field="finding")
    data = payload.dict()
    data["finding"] = finding
    return Status(201, action_dict(services.add_action(request.user, assessment, **data)))


class ActionUpdateIn(Schema):
    status: Literal["open", "in_progress", "done", "cancelled"]
    evidence: str = Field(default="", max_length=4000)


@router.patch("/actions/{action_id}", response=ActionOut, summary="Follow an action (done needs evidence)")
def update_action(request: HttpRequest, action_id: UUID, payload: ActionUpdateIn) -> dict[str, Any]:
    action = services.get_action(action_id)
    _require_at(request, "capacity.assess", action.assessment.border_post)
    return action_dict(services.update_action(request.user, action, status=payload.status, evidence=payload.evidence))


@router.get("/assessments/{assessment_id}/report.pdf", summary="The assessment report (PDF)")
def report_pdf(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "capacity.view")
    pdf = reports.assessment_report(request.user, assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.report_name(assessment)}"'
    return response


class EquipmentIn(Schema):
    border_post: str
    kind: str
    model: str = Field(default="", max_length=120)
    serial_number: str = Field(default="", max_length=80)
    lane: str = Field(default="", max_length=16)
    status: Literal["working", "faulty", "retired"] = "working"
    last_maintenance: date | None = None


class EquipmentOut(Schema):
    id: UUID
    border_post: str
    lane: str | None
    kind: str
    model: str
    serial_number: str
    status: str
    last_maintenance: date | None


def _equipment(item: Equipment) -> dict[str, Any]:
    return {"id": item.id, "border_post": item.border_post.code, "lane": item.lane.code if item.lane else None,
            "kind": item.kind, "model": item.model, "serial_number": item.serial_number, "status": item.status,
            "last_maintenance": item.last_maintenance}


@router.get("/equipment", response=list[EquipmentOut], summary="The equipment register of the posts in your scope")
def list_equipment(request: HttpRequest, border_post: str = "") -> list[dict[str, Any]]:
    authz.require(request.user, "capacity.view", token=token_of(request))
    found = _scoped(Equipment.objects.select_related("border_post", "lane"), request, "capacity.view")
    if border_post:
        found = found.filter(border_post=_post(border_post))
    return [_equipment(item) for item in found[:2000]]


@router.post("/equipment", response={201: EquipmentOut}, summary="Register equipment at a post")
def register_equipment(request: HttpRequest, payload: EquipmentIn) -> Status[dict[str, Any]]:
    post = _post(payload.border_post)
    assert post is not None
    authz.require(request.user, "equipment.manage", post, token=token_of(request))
    data = payload.dict()
    data.pop("border_post")
    return Status(201, _equipment(services.register_equipment(request.user, post, **data)))


@router.get("/needs", response=list[dict[str, Any]], summary="Training needs per post beside officers trained "
                                                             "and sessions planned")
def needs(request: HttpRequest) -> list[services.CourseNeed]:
    authz.require(request.user, "capacity.view", token=token_of(request))
    scope = authz.post_scope(request.user, "capacity.view", token_of(request))
    return services.needs_by_post(None if isinstance(scope, authz.AllPosts) else scope)


# --- training --------------------------------------------------------------------------------------------

class CourseIn(Schema):
    code: str = Field(min_length=1, max_length=30)
    title: str = Field(min_length=1, max_length=200)
    topics: list[str] = Field(default_factory=list)
    level: Literal["basic", "intermediate", "advanced", "trainer"] = "basic"
    hours: int = Field(ge=1, le=10000)
    validity_months: int | None = Field(default=None, ge=1, le=240)


class CourseOut(CourseIn):
    id: UUID


@training_router.get("/courses", response=list[CourseOut], summary="Courses")
def list_courses(request: HttpRequest) -> list[Course]:
    authz.require(request.user, "training.view", token=token_of(request))
    return list(Course.objects.all())


@training_router.post("/courses", response={201: CourseOut}, summary="Add a course (training coordinators)")
def create_course(request: HttpRequest, payload: CourseIn) -> Status[Course]:
    authz.require(request.user, "training.manage", token=token_of(request))
    return Status(201, services.create_course(request.user, **payload.dict()))


class SessionIn(Schema):
    course: str
    starts_on: date
    ends_on: date
    capacity: int = Field(ge=1, le=10000)
    institution: str = ""
    place: str = Field(default="", max_length=200)
    trainers: str = Field(default="", max_length=300)
    border_post: str | None = None


class SessionOut(Schema):
    id: UUID
    course: str
    starts_on: date
    ends_on: date
    capacity: int
    enrolled: int
    institution: str | None
    place: str
    trainers: str
    border_post: str | None


def _session(s: TrainingSession) -> dict[str, Any]:
    return {"id": s.id, "course": s.course.code, "starts_on": s.starts_on, "ends_on": s.ends_on,
            "capacity": s.capacity, "enrolled": s.enrolments.count(),
            "institution": s.institution.code if s.institution else None, "place": s.place, "trainers": s.trainers,
            "border_post": s.border_post.code if s.border_post else None}


@training_router.get("/sessions", response=list[SessionOut], summary="Training sessions")
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    authz.require(request.user, "training.view", token=token_of(request))
    return [_session(s) for s in TrainingSession.objects.select_related("course", "institution", "border_post")[:500]]


@training_router.post("/sessions", response={201: SessionOut}, summary="Plan a session (training coordinators)")
def create_session(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "training.manage", token=token_of(request))
    from openbmis.capacity.models import Institution

    institution = None
    if payload.institution:
        institution = Institution.objects.filter(code=payload.institution.strip().upper()).first()
        if institution is None:
            raise InvalidInput(_("unknown institution %(institution)r")
                               % {"institution": payload.institution}, field="institution")
    session = services.create_session(
        request.user, course=services.get_course(payload.course), starts_on=payload.starts_on,
        ends_on=payload.ends_on, capacity=payload.capacity, institution=institution, place=payload.place,
        trainers=payload.trainers, border_post=_post(payload.border_post))
    return Status(201, _session(session))


class EnrolIn(Schema):
    username: str = ""
    external_name: str = Field(default="", max_length=200)
    external_organisation: str = Field(default="", max_length=200)


class EnrolmentOut(Schema):
    id: UUID
    participant: str
    attended: bool | None
    result: str
    certificate: str | None


def _enrolment(e: Any) -> dict[str, Any]:
    cert = Certificate.objects.filter(enrolment=e).values_list("number", flat=True).first()
    return {"id": e.id, "participant": e.participant, "attended": e.attended, "result": e.result, "certificate": cert}


@training_router.post("/sessions/{session_id}/enrolments", response={201: EnrolmentOut},
                      summary="Enrol an officer (username) or an external participant")
def enrol(request: HttpRequest, session_id: UUID, payload: EnrolIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "training.manage", token=token_of(request))
    session = services.get_session(session_id)
    user = None
    if payload.username:
        user = User.objects.filter(username=payload.username.strip()).first()
        if user is None:
            raise InvalidInput(_("no user named %(username)r")
                               % {"username": payload.username}, field="username")
    return Status(201, _enrolment(services.enrol(request.user, session, user=user, external_name=payload.external_name,
                                                 external_organisation=payload.external_organisation)))


class ResultIn(Schema):
    attended: bool
    result: Literal["pending", "passed", "failed"]
    score: Decimal | None = Field(default=None, ge=0, le=100)


@training_router.post("/enrolments/{enrolment_id}/result", response=EnrolmentOut,
                      summary="Record attendance and result; a pass issues the certificate")
def record_result(request: HttpRequest, enrolment_id: UUID, payload: ResultIn) -> dict[str, Any]:
    authz.require(request.user, "training.manage", token=token_of(request))
    enrolment = services.get_enrolment(enrolment_id)
    return _enrolment(services.record_result(request.user, enrolment, **payload.dict()))


class CertificateOut(Schema):
    number: str
    course: str
    holder: str | None
    holder_name: str
    issued_on: date
    expires_on: date | None
    revoked: bool


def _certificates_in_scope(request: HttpRequest) -> Any:
    found = Certificate.objects.select_related("course", "holder")
    scope = authz.post_scope(request.user, "training.view", token_of(request))
    if not isinstance(scope, authz.AllPosts):
        found = found.filter(holder__role_assignments__border_post_id__in=scope).distinct()
    return found


@training_router.get("/certificates", response=list[CertificateOut],
                     summary="Certificates (post-scoped readers: of people holding roles at their posts)")
def list_certificates(request: HttpRequest, username: str = "") -> list[dict[str, Any]]:
    authz.require(request.user, "training.view", token=token_of(request))
    found = _certificates_in_scope(request)
    if username:
        found = found.filter(holder__username=username)
    return [{"number": c.number, "course": c.course.code, "holder": c.holder.username if c.holder else None,
             "holder_name": c.holder_name, "issued_on": c.issued_on, "expires_on": c.expires_on,
             "revoked": c.revoked_at is not None} for c in found[:2000]]


@training_router.get("/certificates/{number}/pdf", summary="The certificate (PDF) with its verification code")
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    authz.require(request.user, "training.view", token=token_of(request))
    cert = _certificates_in_scope(request).filter(number=number.strip().upper()).first()
    if cert is None:
        raise NotFound(_("no certificate %(number)r") % {"number": number}, field="number")
    response = HttpResponse(reports.certificate_pdf(request.user, cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.number}.pdf"'
    return response


class HolderOut(Schema):
    username: str
    full_name: str
    role: str
    border_post: str | None
    course: str
    status: Literal["valid", "expiring", "expired", "missing"]
    expires_on: date | None


@training_router.get("/holders", response=list[HolderOut],
                     summary="Holders of roles that require certificates, and the status of each")
def holders(request: HttpRequest, status: str = "") -> list[Any]:
    authz.require(request.user, "training.view", token=token_of(request))
    scope = authz.post_scope(request.user, "training.view", token_of(request))
    rows = certification.holders(None if isinstance(scope, authz.AllPosts) else scope)
    return [row for row in rows if not status or row.status == status]


class PrerequisiteIn(Schema):
    role: str
    course: str


class PrerequisiteOut(Schema):
    id: UUID
    role: str
    course: str


@training_router.get("/prerequisites", response=list[PrerequisiteOut], summary="Certificates that roles require")
def list_prerequisites(request: HttpRequest) -> list[dict[str, Any]]:
    authz.require(request.user, "training.view", token=token_of(request))
    from openbmis.capacity.models import RolePrerequisite

    return [{"id": p.id, "role": p.role, "course": p.course.code}
            for p in RolePrerequisite.objects.select_related("course")]


@training_router.post("/prerequisites", response={201: PrerequisiteOut},
                      summary="Require a course's valid certificate for a role (administrators)")
def add_prerequisite(request: HttpRequest, payload: PrerequisiteIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "training.prerequisites", token=token_of(request))
    p = services.add_prerequisite(request.user, role=payload.role, course=services.get_course(payload.course))
    return Status(201, {"id": p.id, "role": p.role, "course": p.course.code})


class VerifyOut(Schema):
    number: str
    status: Literal["valid", "expired", "revoked", "not_found"]


@public_router.get("/certificates/verify", response=VerifyOut, auth=None,
                   summary="Public: confirm a certificate number and its verification code, nothing more")
def verify_certificate(request: HttpRequest, number: str, code: str) -> dict[str, Any]:
    return {"number": number.strip().upper()[:32], "status": services.verify_certificate(number[:64], code[:64])}

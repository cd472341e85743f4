"""Capacity building pages: assessments (fill in at the post, findings, action plan, report, comparisons),
the equipment register, training (courses, sessions, results, certificates, holders)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.accounts.models import User
from openbmis.accounts.roles import Role
from openbmis.borderposts.models import BorderPost
from openbmis.capacity import certification, reports, scoring, services
from openbmis.capacity.models import (
    ActionItem,
    Assessment,
    Certificate,
    Course,
    Equipment,
    Finding,
    Institution,
    RolePrerequisite,
    TrainingSession,
)
from openbmis.core.errors import AccessDenied, DomainError, NotFound
from openbmis.core.uploads import upload_limit


def _posts_in_scope(user: Any, permission: str) -> Any:
    scope = authz.post_scope(user, permission)
    posts = BorderPost.objects.all()
    return posts if isinstance(scope, authz.AllPosts) else posts.filter(id__in=scope)


def _national(user: Any, permission: str) -> bool:
    return isinstance(authz.post_scope(user, permission), authz.AllPosts)


def _may(user: Any, permission: str, post: BorderPost | None) -> bool:
    if post is None:
        return _national(user, permission)
    return authz.has_permission(user, permission, post.id)



def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(_("No such record."), field="id") from None


def _comparison(assessments: list[Assessment]) -> dict[str, Any]:
    """Chart data: section scores (categories) for each assessment (series)."""
    if not assessments:
        return {"categories": [], "series": []}
    categories = [s["title"] for s in assessments[0].scores.get("sections", [])]
    series = []
    for a in assessments:
        by_title = {s["title"]: s["score"] for s in a.scores.get("sections", [])}
        series.append({"name": f"{a.where} {a.visit_date:%Y-%m-%d}", "data": [by_title.get(t) for t in categories]})
    return {"categories": categories, "series": series}


def post_panel(request: HttpRequest, post: BorderPost) -> dict[str, Any] | None:
    """The post's page: its equipment, lanes without a working reader, and its latest assessment."""
    if not authz.has_permission(request.user, "capacity.view", post.id):
        return None
    working = Equipment.objects.filter(border_post=post).exclude(status=Equipment.Status.RETIRED)
    return {"template": "capacity/_post_panel.html", "equipment": working.select_related("lane"),
            "missing": services.lanes_without_reader(post),
            "latest": Assessment.objects.filter(border_post=post).order_by("-visit_date").first()}


@permission_required("capacity.view")
def overview(request: HttpRequest) -> HttpResponse:
    posts = _posts_in_scope(request.user, "capacity.view")
    assessments = Assessment.objects.select_related("border_post", "template")
    if not _national(request.user, "capacity.view"):
        assessments = assessments.filter(border_post__in=posts)
    latest: dict[str, Assessment] = {}
    for a in assessments.filter(status=Assessment.Status.SUBMITTED).order_by("visit_date"):
        if a.border_post_id is not None:
            latest[a.where] = a
    open_actions = ActionItem.objects.filter(assessment__in=assessments).exclude(
        status__in=[ActionItem.Status.DONE, ActionItem.Status.CANCELLED]).select_related("assessment__border_post")
    scope = authz.post_scope(request.user, "capacity.view")
    needs = services.needs_by_post(None if isinstance(scope, authz.AllPosts) else scope)
    missing = [(post, services.lanes_without_reader(post)) for post in posts]
    return render(request, "capacity/overview.html", {
        "assessments": assessments[:200], "open_actions": open_actions[:200], "needs": needs,
        "missing_readers": [(p, lanes) for p, lanes in missing if lanes],
        "chart": _comparison(list(latest.values())),
        "can_assess": authz.has_permission(request.user, "capacity.assess"),
        "chart_labels": {"empty": _("No submitted assessment yet.")},
    })


@permission_required("capacity.assess")
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    posts = _posts_in_scope(request.user, "capacity.assess")
    national = _national(request.user, "capacity.assess")
    error = ""
    if request.method == "POST":
        code = request.POST.get("border_post", "")
        post = posts.filter(code=code).first() if code else None
        try:
            if code and post is None:
                raise AccessDenied(_("You cannot assess that post."))
            if post is None and not national:
                raise AccessDenied(_("The national level needs the role held nationally."))
            visit = date.fromisoformat(request.POST.get("visit_date", ""))
            assessment = services.create_assessment(request.user, border_post=post, visit_date=visit,
                                                    team=request.POST.get("team", ""))
            return redirect("capacity:assessment", assessment_id=assessment.id)
        except ValueError:
            error = _("Enter the visit date.")
        except DomainError as exc:
            error = exc.message
    return render(request, "capacity/assessment_new.html", {"posts": posts, "national": national, "error": error,
                                                            "today": date.today()},
                  status=400 if error else 200)


def _question_rows(assessment: Assessment) -> list[dict[str, Any]]:
    sections = []
    for section in assessment.template.content["sections"]:
        rows = []
        for question in section["questions"]:
            answer = assessment.answers.get(question["code"], {})
            rows.append({**question, "value": answer.get("value"), "note": answer.get("note", ""),
                         "prefilled": answer.get("prefilled", False),
                         "anchor_list": list(enumerate(question.get("anchors", [])))})
        score: dict[str, Any] = next(
            (s for s in assessment.scores.get("sections", []) if s["code"] == section["code"]), {})
        sections.append({**section, "rows": rows, "score": score.get("score")})
    return sections


def _save_from_form(request: HttpRequest, assessment: Assessment) -> Assessment:
    questions = scoring.questions(assessment.template.content)
    answers = {code: request.POST.get(f"q-{code}", "") or None for code, q in questions.items()
               if q["kind"] != "photo"}
    notes = {code: request.POST.get(f"note-{code}", "") for code in questions}
    assessment = services.save_answers(request.user, assessment, answers, notes)
    for code, question in questions.items():
        upload = request.FILES.get(f"q-{code}")
        if question["kind"] == "photo" and upload is not None:
            services.add_photo(request.user, assessment, question=code, content_type=upload.content_type or "",
                               data=upload.read(upload_limit("image") + 1))
    return assessment


@permission_required("capacity.view")
@require_http_methods(["GET", "HEAD", "POST"])
def assessment(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    found = services.get_assessment(assessment_id)
    if not _may(request.user, "capacity.view", found.border_post):
        raise AccessDenied(_("You have no access to this assessment."))
    can_edit = _may(request.user, "capacity.assess", found.border_post)
    error, status = "", 200
    if request.method == "POST":
        if not can_edit:
            raise AccessDenied(_("Only an assessor of this post can change the assessment."))
        form = request.POST.get("form")
        try:
            if form == "answers":
                found = _save_from_form(request, found)
                if request.POST.get("submit") == "1":
                    services.submit_assessment(request.user, found)
                messages.success(request, _("Answers saved."))
            elif form == "finding":
                services.add_finding(request.user, found, text=request.POST.get("text", ""),
                                     severity=request.POST.get("severity", "medium"),
                                     recommendation=request.POST.get("recommendation", ""),
                                     section=request.POST.get("section", ""),
                                     courses=request.POST.getlist("courses"))
                messages.success(request, _("Finding added."))
            elif form == "action":
                finding_id = _uuid(request.POST.get("finding", "")) if request.POST.get("finding") else None
                due = request.POST.get("due_date") or None
                services.add_action(request.user, found, title=request.POST.get("title", ""),
                                    owner=request.POST.get("owner", ""),
                                    due_date=date.fromisoformat(due) if due else None,
                                    cost_estimate=request.POST.get("cost_estimate") or None,
                                    finding=found.findings.filter(pk=finding_id).first() if finding_id else None)
                messages.success(request, _("Action added to the plan."))
            elif form == "action_status":
                action = found.actions.filter(pk=_uuid(request.POST.get("action", ""))).first()
                if action is None:
                    raise NotFound(_("No such action."))
                services.update_action(request.user, action, status=request.POST.get("status", ""),
                                       evidence=request.POST.get("evidence", ""))
                messages.success(request, _("Action updated."))
            return redirect("capacity:assessment", assessment_id=found.id)
        except ValueError:
            error, status = _("Enter dates as YYYY-MM-DD."), 400
        except DomainError as exc:
            error, status = (f"{exc.field}: {exc.message}" if exc.field else exc.message), 400
        found = services.get_assessment(assessment_id)
    earlier = list(Assessment.objects.filter(border_post=found.border_post, template__code=found.template.code,
                                             visit_date__lt=found.visit_date).order_by("-visit_date")[:1])
    return render(request, "capacity/assessment.html", {
        "assessment": found, "sections": _question_rows(found), "can_edit": can_edit,
        "editable": can_edit and found.status == Assessment.Status.DRAFT, "error": error,
        "findings": found.findings.prefetch_related("courses"), "actions": found.actions.all(),
        "courses": Course.objects.all(), "severities": Finding.Severity.choices,
        "statuses": ActionItem.Status.choices, "chart": _comparison(earlier + [found]),
        "photos": found.photos.only("id", "question", "caption"),
        "chart_labels": {"empty": _("No scores yet.")},
    }, status=status)


@permission_required("capacity.view")
def assessment_report(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    found = services.get_assessment(assessment_id)
    if not _may(request.user, "capacity.view", found.border_post):
        raise AccessDenied(_("You have no access to this assessment."))
    response = HttpResponse(reports.assessment_report(request.user, found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{reports.report_name(found)}"'
    return response


@permission_required("capacity.view")
@require_http_methods(["GET", "HEAD", "POST"])
def equipment(request: HttpRequest) -> HttpResponse:
    posts = _posts_in_scope(request.user, "capacity.view")
    manageable = _posts_in_scope(request.user, "equipment.manage")
    error = ""
    if request.method == "POST":
        post = manageable.filter(code=request.POST.get("border_post", "")).first()
        if post is None:
            raise AccessDenied(_("You cannot keep the equipment register of that post."))
        try:
            maintained = request.POST.get("last_maintenance") or None
            services.register_equipment(request.user, post, kind=request.POST.get("kind", ""),
                                        model=request.POST.get("model", ""),
                                        serial_number=request.POST.get("serial_number", ""),
                                        lane=request.POST.get("lane", ""),
                                        status=request.POST.get("status", "working"),
                                        last_maintenance=date.fromisoformat(maintained) if maintained else None)
            messages.success(request, _("Equipment registered."))
            return redirect("capacity:equipment")
        except ValueError:
            error = _("Enter dates as YYYY-MM-DD.")
        except DomainError as exc:
            error = exc.message
    items = Equipment.objects.filter(border_post__in=posts).select_related("border_post", "lane")
    return render(request, "capacity/equipment.html", {
        "items": items, "posts": manageable, "kinds": Equipment.Kind.choices, "statuses": Equipment.Status.choices,
        "missing": [(p, services.lanes_without_reader(p)) for p in posts], "error": error,
    }, status=400 if error else 200)


# --- training --------------------------------------------------------------------------------------------

@permission_required("training.view")
@require_http_methods(["GET", "HEAD", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    can_manage = authz.has_permission(request.user, "training.manage")
    can_require = authz.has_permission(request.user, "training.prerequisites")
    error = ""
    if request.method == "POST":
        form = request.POST.get("form")
        if (form in ("course", "session") and not can_manage) or (form == "prerequisite" and not can_require):
            raise AccessDenied(_("Your roles do not allow this."))
        try:
            if form == "course":
                validity = request.POST.get("validity_months") or None
                services.create_course(request.user, code=request.POST.get("code", ""),
                                       title=request.POST.get("title", ""), hours=int(request.POST.get("hours", "0")),
                                       level=request.POST.get("level", "basic"),
                                       topics=request.POST.get("topics", "").split(","),
                                       validity_months=int(validity) if validity else None)
                messages.success(request, _("Course added."))
            elif form == "session":
                institution = Institution.objects.filter(code=request.POST.get("institution", "")).first()
                post = BorderPost.objects.filter(code=request.POST.get("border_post", "")).first()
                session = services.create_session(
                    request.user, course=services.get_course(request.POST.get("course", "")),
                    starts_on=date.fromisoformat(request.POST.get("starts_on", "")),
                    ends_on=date.fromisoformat(request.POST.get("ends_on", "")),
                    capacity=int(request.POST.get("capacity", "0")), institution=institution,
                    place=request.POST.get("place", ""), trainers=request.POST.get("trainers", ""), border_post=post)
                messages.success(request, _("Session planned."))
                return redirect("capacity:session", session_id=session.id)
            elif form == "prerequisite":
                services.add_prerequisite(request.user, role=request.POST.get("role", ""),
                                          course=services.get_course(request.POST.get("course", "")))
                messages.success(request, _("Prerequisite added."))
            return redirect("capacity:training")
        except ValueError:
            error = _("Check the numbers and dates (YYYY-MM-DD).")
        except DomainError as exc:
            error = exc.message
    scope = authz.post_scope(request.user, "training.view")
    rows = certification.holders(None if isinstance(scope, authz.AllPosts) else scope)
    return render(request, "capacity/training.html", {
        "courses": Course.objects.all(), "sessions": TrainingSession.objects.select_related("course", "institution"),
        "institutions": Institution.objects.all(), "posts": BorderPost.objects.all(),
        "prerequisites": RolePrerequisite.objects.select_related("course"),
        "roles": [(r.value, r.label) for r in Role], "levels": Course.Level.choices,
        "attention": [r for r in rows if r.status != certification.VALID], "can_manage": can_manage,
        "can_require": can_require, "error": error,
    }, status=400 if error else 200)


@permission_required("training.view")
@require_http_methods(["GET", "HEAD", "POST"])
def session(request: HttpRequest, session_id: UUID) -> HttpResponse:
    found = services.get_session(session_id)
    can_manage = authz.has_permission(request.user, "training.manage")
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise AccessDenied(_("Your roles do not allow this."))
        try:
            if request.POST.get("form") == "enrol":
                username = request.POST.get("username", "").strip()
                user = User.objects.filter(username=username).first() if username else None
                if username and user is None:
                    raise NotFound(_("No user named %(name)s.") % {"name": username}, field="username")
                services.enrol(request.user, found, user=user, external_name=request.POST.get("external_name", ""))
                messages.success(request, _("Participant enrolled."))
            else:
                enrolment = services.get_enrolment(request.POST.get("enrolment", ""))
                if enrolment.session_id != found.id:
                    raise NotFound(_("No such enrolment."))
                services.record_result(request.user, enrolment, attended=request.POST.get("attended") == "yes",
                                       result=request.POST.get("result", ""),
                                       score=request.POST.get("score") or None)
                messages.success(request, _("Result recorded."))
            return redirect("capacity:session", session_id=found.id)
        except DomainError as exc:
            error = exc.message
    enrolments = found.enrolments.select_related("user").order_by("external_name", "user__username")
    certificates = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment__session=found)}
    return render(request, "capacity/session.html", {
        "session": found, "rows": [(e, certificates.get(e.id)) for e in enrolments], "can_manage": can_manage,
        "error": error, "results": [("passed", _("Passed")), ("failed", _("Failed")), ("pending", _("Pending"))],
    }, status=400 if error else 200)


@permission_required("training.view")
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = Certificate.objects.select_related("course", "holder", "enrolment__session__institution").filter(
        number=number.upper()).first()
    scope = authz.post_scope(request.user, "training.view")
    if found is not None and not isinstance(scope, authz.AllPosts) and not (
            found.holder is not None and found.holder.role_assignments.filter(border_post_id__in=scope).exists()):
        found = None  # a post-scoped reader does not learn of certificates held by people elsewhere
    if found is None:
        raise NotFound(_("No such certificate."), field="number")
    response = HttpResponse(reports.certificate_pdf(request.user, found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{found.number}.pdf"'
    return response

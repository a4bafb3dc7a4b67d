"""Public report pages, the evaluator workspace and the protected attachment download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ogptracker.pagination import page_with_count
from plans.roles import is_secretariat
from reports.forms import AssessmentFormSet, EndOfCommitmentReportForm, InceptionReportForm
from reports.models import Attachment, EndOfCommitmentReport, InceptionReport, Status
from reports.services import (
    EditConflict,
    IncompleteReport,
    public_corrections,
    save_draft,
    submit_report,
)

# Commitments of an Inception Report's Section 3 on one page of the public report.
ASSESSMENTS_PAGE_SIZE = 20
CONFLICT_MESSAGE = _(
    "Someone else saved this report after you opened it, so your changes were not saved. "
    "Your answers are kept below: copy what you need, reload the page to see the latest "
    "version, and save again."
)

# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------


def inception_detail(request, pk: int):
    """A published Inception Report; its Section 3 (one block per commitment of the plan, which
    may hold thousands) a page at a time."""
    report = get_object_or_404(
        InceptionReport.objects.published()
        .select_related(*InceptionReport.DETAIL_RELATED)
        .prefetch_related("evaluators"),
        pk=pk,
    )
    assessments = page_with_count(
        report.assessments.select_related("commitment", "nature", "change").order_by(
            "position", "pk"
        ),
        ASSESSMENTS_PAGE_SIZE,
        request.GET.get("commitments"),
    )
    query = request.GET.copy()
    query.pop("commitments", None)
    context = {
        "report": report,
        "corrections": list(public_corrections(report)),
        "assessments": assessments,
        "assessments_query": query.urlencode(),
    }
    return render(request, "reports/inception_detail.html", context)


def end_of_commitment_detail(request, pk: int):
    report = get_object_or_404(EndOfCommitmentReport.objects.published().for_detail(), pk=pk)
    context = {"report": report, "corrections": list(public_corrections(report))}
    return render(request, "reports/end_of_commitment_detail.html", context)


def _may_read_files(user, report: EndOfCommitmentReport) -> bool:
    """The rule of the workspace: the secretariat, the public once published, else evaluators
    assigned to the report while in the Evaluator group (one removed from it gets a 404)."""
    if is_secretariat(user):
        return True
    if (
        report.is_published
        and EndOfCommitmentReport.objects.published().filter(pk=report.pk).exists()
    ):
        return True
    return EndOfCommitmentReport.objects.assigned_to(user).filter(pk=report.pk).exists()


def attachment(request, report_pk: int, pk: int):
    """Serve an evidence file to those who may read the report; everyone else gets a 404.

    Always as a download (``Content-Disposition: attachment``, ``nosniff``): an uploaded PDF or
    image never runs in the portal's origin.
    """
    item = get_object_or_404(
        Attachment.objects.select_related("report"), pk=pk, report_id=report_pk
    )
    if not _may_read_files(request.user, item.report):
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=True,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not item.report.is_published else "private"
    return response


# ---------------------------------------------------------------------------------------------
# Evaluator workspace
# ---------------------------------------------------------------------------------------------


@login_required
def workspace(request):
    inception = InceptionReport.objects.assigned_to(request.user).for_workspace()
    end_of_commitment = EndOfCommitmentReport.objects.assigned_to(request.user).for_workspace()
    return render(
        request,
        "reports/workspace.html",
        {"inception_reports": inception, "end_of_commitment_reports": end_of_commitment},
    )


def _assigned(model, request, pk: int):
    """The report if the user is assigned to it; any other report is a 404."""
    queryset = model.objects.assigned_to(request.user).for_detail().prefetch_related("transitions")
    return get_object_or_404(queryset, pk=pk)


def _place_missing(form, formset, missing: dict) -> None:
    """Put each missing-answer error next to its field."""
    forms_by_pk = {f.instance.pk: f for f in formset.forms} if formset is not None else {}
    for key, message in missing.items():
        if key.startswith("assessment-"):
            target = forms_by_pk.get(int(key.split("-", 1)[1]))
            if target is not None:
                for name, text in message.items():
                    target.add_error(name, text)
        else:
            form.add_error(key, message)


def _read_only(request, report, template: str):
    return render(request, template, {"report": report, "read_only": True})


@login_required
@require_http_methods(["GET", "POST"])
def edit_inception(request, pk: int):
    report = _assigned(InceptionReport, request, pk)
    if not report.is_draft:
        if request.method == "POST":
            raise PermissionDenied(_("A submitted report can no longer be edited."))
        return _read_only(request, report, "reports/workspace_inception.html")
    assessments = report.assessments.select_related("commitment").order_by("position", "pk")
    cache: dict = {}
    if request.method == "POST":
        form = InceptionReportForm(request.POST, instance=report, choices_cache=cache)
        formset = _formset(request.POST, assessments, cache)
        if form.is_valid() and formset.is_valid():
            outcome = _save_and_maybe_submit(
                request,
                report=report,
                form=form,
                assessments=[f.save(commit=False) for f in formset.forms],
                formset=formset,
            )
            if outcome is not None:
                return outcome
            # The draft was saved but the submission stopped: show the saved version's errors.
            missing = form.missing
            form = _rebind(InceptionReportForm, request, report)
            formset = _formset(request.POST, assessments.all(), cache)
            formset.is_valid()
            _place_missing(form, formset, missing)
        else:
            messages.error(request, _("Please correct the errors below."))
    else:
        form = InceptionReportForm(instance=report, choices_cache=cache)
        formset = _formset(None, assessments, cache)
    return render(
        request,
        "reports/workspace_inception.html",
        {"report": report, "form": form, "formset": formset},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_end_of_commitment(request, pk: int):
    report = _assigned(EndOfCommitmentReport, request, pk)
    if not report.is_draft:
        if request.method == "POST":
            raise PermissionDenied(_("A submitted report can no longer be edited."))
        return _read_only(request, report, "reports/workspace_end_of_commitment.html")
    if request.method == "POST":
        form = EndOfCommitmentReportForm(request.POST, request.FILES, instance=report)
        if form.is_valid():
            outcome = _save_and_maybe_submit(request, report=report, form=form)
            if outcome is not None:
                return outcome
            missing = form.missing
            form = _rebind(EndOfCommitmentReportForm, request, report)
            _place_missing(form, None, missing)
        else:
            messages.error(request, _("Please correct the errors below."))
    else:
        form = EndOfCommitmentReportForm(instance=report)
    return render(
        request, "reports/workspace_end_of_commitment.html", {"report": report, "form": form}
    )


def _save_and_maybe_submit(request, *, report, form, assessments=(), formset=None):
    """Save the draft (refusing a stale version), then submit if asked.

    Returns a redirect when everything asked for happened, or ``None`` with errors on ``form``.
    """
    submitting = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            save_draft(
                report=form.save(commit=False),
                by=request.user,
                expected_version=form.cleaned_data["version"],
                assessments=assessments,
            )
            if isinstance(report, EndOfCommitmentReport):
                _save_attachments(request, report, form)
    except EditConflict:
        form.add_error(None, CONFLICT_MESSAGE)
        messages.error(request, CONFLICT_MESSAGE)
        form.conflict = True
        return _render_conflict(request, report, form, formset)
    if not submitting:
        messages.success(request, _("Draft saved."))
        return redirect(report.get_workspace_url())
    try:
        submit_report(report=report, by=request.user)
    except IncompleteReport as incomplete:
        form.missing = incomplete.missing
        messages.error(
            request,
            _(
                "Your draft was saved, but it cannot be submitted yet: the answers marked below "
                "are required."
            ),
        )
        return None
    messages.success(
        request, _("Report submitted. The secretariat will review it before publishing it.")
    )
    return redirect(report.get_workspace_url())


def _render_conflict(request, report, form, formset):
    template = (
        "reports/workspace_inception.html"
        if isinstance(report, InceptionReport)
        else "reports/workspace_end_of_commitment.html"
    )
    # Show the stored report's header, but keep the evaluator's input in the form.
    report.refresh_from_db()
    return render(
        request, template, {"report": report, "form": form, "formset": formset}, status=409
    )


def _formset(data, assessments, cache: dict):
    """The report's assessments, one form each: a post with any other number of forms is a 400."""
    count = len(assessments)
    if data is not None:
        declared = (data.get("assessment-TOTAL_FORMS"), data.get("assessment-INITIAL_FORMS"))
        if declared != (str(count), str(count)):
            raise BadRequest(_("The form does not match this report's commitments."))
    formset_class = type(
        AssessmentFormSet.__name__,
        (AssessmentFormSet,),
        {"max_num": count, "absolute_max": count, "validate_max": True},
    )
    return formset_class(
        data, queryset=assessments, prefix="assessment", form_kwargs={"choices_cache": cache}
    )


def _rebind(form_class, request, report):
    """The posted answers again, bound to the version just saved."""
    data = request.POST.copy()
    data["version"] = str(report.version)
    form = form_class(data, instance=type(report).objects.get(pk=report.pk))
    form.is_valid()
    return form


def _save_attachments(request, report: EndOfCommitmentReport, form) -> None:
    for item in form.cleaned_data.get("remove_attachments") or []:
        stored = item.file
        item.delete()
        # The file goes only once the removal is committed.
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))
    uploads = form.cleaned_data.get("new_attachments") or []
    created = []
    for upload, content_type in zip(uploads, form.attachment_types, strict=True):
        created.append(
            Attachment.objects.create(
                report=report,
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
                uploaded_by=request.user,
            )
        )
    if Attachment.objects.filter(report=report).count() > EndOfCommitmentReport.MAX_ATTACHMENTS:
        # Two evaluators uploading at once cannot get past the limit together.
        for item in created:
            item.file.delete(save=False)
        raise EditConflict


__all__ = [
    "Status",
    "attachment",
    "edit_end_of_commitment",
    "edit_inception",
    "end_of_commitment_detail",
    "inception_detail",
    "workspace",
]

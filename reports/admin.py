"""The secretariat's side of reports: create, assign evaluators, review, publish or return."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments.models import Commitment
from ogptracker.admin_guards import GuardedAdminMixin
from ogptracker.bilingual_admin import BilingualAdmin, BilingualStackedInline
from ogptracker.keys import parse_pk
from plans.models import ActionPlan
from plans.roles import is_secretariat
from reports.forms import PublicNoteForm, ReturnForm
from reports.models import (
    Attachment,
    CommitmentAssessment,
    CommitmentChange,
    CommitmentNature,
    EndOfCommitmentReport,
    ImplementationAnswer,
    InceptionReport,
    PracticeAnswer,
    ProblemAnswer,
    Status,
    Transition,
)
from reports.services import (
    bump_version,
    publish_report,
    return_report,
    unpublish_report,
    was_published,
)


@admin.register(
    PracticeAnswer, CommitmentNature, CommitmentChange, ImplementationAnswer, ProblemAnswer
)
class ScaleAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_es", "position")
    list_editable = ("position",)
    search_fields = ("name", "name_es")
    prepopulated_fields = {"slug": ("name",)}


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


class TransitionInline(admin.TabularInline):
    fk_name = None
    model = Transition
    fields = ("created_at", "by", "from_status", "to_status", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History of status changes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InceptionTransitionInline(TransitionInline):
    fk_name = "inception_report"


class EndOfCommitmentTransitionInline(TransitionInline):
    fk_name = "end_of_commitment_report"


class ReportAdmin(BilingualAdmin):
    """What both report admins share: the workflow buttons, the overdue flag, the version."""

    change_form_template = "admin/reports/report_change_form.html"
    list_filter = ("status", OverdueFilter)
    filter_horizontal = ("evaluators",)
    readonly_fields = ("status", "due_date", "submitted_at", "published_at", "version")
    actions = ("publish_selected",)

    @admin.display(description=_("evaluators"))
    def evaluator_list(self, obj):
        return obj.evaluator_display() or "–"

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("evaluators")

    def has_change_permission(self, request, obj=None):
        # A published report is read-only for everyone.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # An evaluator with the draft open must not overwrite the secretariat's edit.
            bump_version(obj)

    def overview_fields(self) -> tuple:
        raise NotImplementedError

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                _("Overview"),
                {
                    "fields": (
                        *self.overview_fields(),
                        "evaluators",
                        "evaluator_names",
                        "original_language",
                        "status",
                        "due_date",
                        "submitted_at",
                        "published_at",
                        "version",
                    )
                },
            )
        ]
        for section in self.model.SECTIONS:
            fieldsets.append(
                (
                    _("Section %(number)s. %(title)s")
                    % {"number": section.number, "title": section.title},
                    {"fields": tuple(n for q in section.questions for n in q.fields)},
                )
            )
        # Each written answer as its Spanish and English versions, side by side.
        return self._patch_fieldsets(fieldsets)

    # -- workflow -----------------------------------------------------------------------------

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="{}_{}_publish".format(*info),
            ),
            path(
                "<int:pk>/unpublish/",
                self.admin_site.admin_view(self.unpublish_view),
                name="{}_{}_unpublish".format(*info),
            ),
            path(
                "<int:pk>/return/",
                self.admin_site.admin_view(self.return_view),
                name="{}_{}_return".format(*info),
            ),
            *super().get_urls(),
        ]

    def _workflow_object(self, request, pk):
        if not is_secretariat(request.user):
            raise PermissionDenied
        return get_object_or_404(self.model, pk=pk)

    def _change_url(self, obj):
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(
            "admin:{}_{}_change".format(*info), args=[obj.pk], current_app=self.admin_site.name
        )

    def publish_view(self, request, pk):
        report = self._workflow_object(request, pk)
        correction = was_published(report)
        form = PublicNoteForm(request.POST or None) if correction else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                publish_report(
                    report=report,
                    by=request.user,
                    note=form.cleaned_data["note"] if form is not None else "",
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, _("“%(report)s” is published.") % {"report": report}, messages.SUCCESS
                )
            return redirect(self._change_url(report))
        return self._confirm(request, report, action="publish", form=form)

    def unpublish_view(self, request, pk):
        report = self._workflow_object(request, pk)
        form = PublicNoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                unpublish_report(report=report, by=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "“%(report)s” is off the public site. Correct it (or return it to its "
                        "evaluators), then publish the corrected version."
                    )
                    % {"report": report},
                    messages.SUCCESS,
                )
            return redirect(self._change_url(report))
        return self._confirm(request, report, action="unpublish", form=form)

    def return_view(self, request, pk):
        report = self._workflow_object(request, pk)
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return_report(report=report, by=request.user, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("“%(report)s” is back in draft; its evaluators see your comment.")
                    % {"report": report},
                    messages.SUCCESS,
                )
            return redirect(self._change_url(report))
        return self._confirm(request, report, action="return", form=form)

    def _confirm(self, request, report, *, action, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": report,
            "title": {
                "publish": _("Publish this report?"),
                "unpublish": _("Unpublish this report for correction?"),
            }.get(action, _("Return this report to draft?")),
            "action": action,
            "form": form,
            "change_url": self._change_url(report),
            "is_submitted": report.status == Status.SUBMITTED,
            "is_published": report.status == Status.PUBLISHED,
            "is_correction": action == "publish" and form is not None,
        }
        return TemplateResponse(request, "admin/reports/confirm_transition.html", context)

    @admin.action(description=_("Publish the selected submitted reports"))
    def publish_selected(self, request, queryset):
        if not is_secretariat(request.user):
            raise PermissionDenied
        published = skipped = 0
        for report in queryset:
            try:
                publish_report(report=report, by=request.user)
                published += 1
            except ValidationError:
                skipped += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d report published.", "%(count)d reports published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report was skipped: only submitted reports can be published.",
                    "%(count)d reports were skipped: only submitted reports can be published.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


class CommitmentAssessmentInline(BilingualStackedInline):
    model = CommitmentAssessment
    extra = 0
    can_delete = False
    readonly_fields = ("position", "commitment")
    fields = (
        "position",
        "commitment",
        *[n for q in CommitmentAssessment.QUESTIONS for n in q.fields],
    )
    verbose_name_plural = _("Section 3. Initial evaluation of commitments")

    def has_add_permission(self, request, obj=None):
        # One block per commitment of the plan, kept in step automatically.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment", "nature", "change")


@admin.register(InceptionReport)
class InceptionReportAdmin(ReportAdmin):
    list_display = ("__str__", "status", "due_date", "overdue", "evaluator_list")
    list_select_related = ("action_plan",)
    search_fields = ("action_plan__title", "evaluator_names")
    autocomplete_fields = ("action_plan",)
    inlines = (CommitmentAssessmentInline, InceptionTransitionInline)

    def overview_fields(self):
        return ("action_plan",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # The plan cannot change once the report exists: its Section 3 follows the plan.
        return (*fields, "action_plan") if obj else fields


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("download", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    verbose_name_plural = _("Evidence files")

    def has_add_permission(self, request, obj=None):
        # Evaluators attach files in their workspace, where each file is checked.
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


PLAN_NOT_OF_COMMITMENT = _("Choose one of the plans this commitment belongs to.")


@admin.register(EndOfCommitmentReport)
class EndOfCommitmentReportAdmin(ReportAdmin):
    list_display = ("__str__", "ogp_id", "status", "due_date", "overdue", "evaluator_list")
    list_select_related = ("commitment", "action_plan")
    search_fields = ("commitment__title", "commitment__ogp_id", "evaluator_names")
    # The plan is a plain choice: once the commitment is known, only its plans are offered.
    autocomplete_fields = ("commitment",)
    inlines = (AttachmentInline, EndOfCommitmentTransitionInline)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("action_plan")
        if field is None:
            return form
        # get_form builds a new class on each call: changing its fields touches no other.
        commitment = obj.commitment if obj is not None else self.commitment_of(request)
        if commitment is None:
            field.queryset = ActionPlan.objects.none()
            field.help_text = _(
                "Choose the commitment first and save: the page then offers the commitment’s "
                "plans, and only them."
            )
            return form
        field.queryset = commitment.action_plans.order_by("start_year", "title")
        field.error_messages["invalid_choice"] = PLAN_NOT_OF_COMMITMENT
        return form

    def commitment_of(self, request) -> Commitment | None:
        """The commitment the add page is filling a report for: the one submitted, or the one
        its address names (``?commitment=<id>``)."""
        source = request.POST if request.method == "POST" else request.GET
        pk = parse_pk(source.get("commitment") or "")
        return Commitment.objects.filter(pk=pk).first() if pk else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        commitment = self.commitment_of(request)
        if commitment is not None and "action_plan" not in initial:
            plans = list(commitment.action_plans.values_list("pk", flat=True)[:2])
            if len(plans) == 1:
                initial["action_plan"] = plans[0]
        return initial

    def overview_fields(self):
        return ("commitment", "action_plan")

    @admin.display(description=_("OGP ID"), ordering="commitment__ogp_id")
    def ogp_id(self, obj):
        return obj.commitment.ogp_id or "–"

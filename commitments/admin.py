"""The secretariat's admin for commitments and milestones, and the implementers' scoped view.

Every status change made here goes through ``change_milestone_status``: the change form, the
milestone inline and the bulk action.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments.admin_import import CommitmentImportMixin
from commitments.models import (
    LONG_TEXTS,
    Commitment,
    CommitmentInstitution,
    EvidenceLink,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    overdue_milestones_q,
)
from commitments.services import (
    change_milestone_status,
    parse_evidence_lines,
    record_milestone_update,
)
from ogptracker.admin_guards import BoundedActionsMixin
from ogptracker.admin_lists import BoundedInlineMixin, KeysFirstAdminMixin
from ogptracker.bilingual_admin import BilingualAdmin, BilingualStackedInline
from ogptracker.languages import MissingTranslationFilter
from ogptracker.uploads import MAX_EVIDENCE_FILES, check_evidence_file
from plans.admin import MonthFieldsMixin
from plans.models import ActionPlan, Member
from plans.roles import is_secretariat

EVIDENCE_HELP = _("One link per line: a web address, or “Title | web address”.")


NOTE_REQUIRED = _("Say why: the note is shown publicly with the entry.")

HISTORY_KEPT = _(
    "“%(milestone)s” has entries in its public history, which is never deleted, so the "
    "milestone cannot be deleted either. Untick “Delete” to save the rest of the page."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files in one field; each is checked by ``check_evidence_file``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            uploads = [single(item, initial) for item in data if item]
        else:
            uploads = [single(data, initial)] if data else []
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                _("Attach at most %(max)s files to one entry; %(count)s were sent.")
                % {"max": MAX_EVIDENCE_FILES, "count": len(uploads)}
            )
        errors = []
        for upload in uploads:
            try:
                check_evidence_file(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class StatusChangeFields(forms.Form):
    """What goes with every entry of the public history: why, when, and the evidence."""

    note = forms.CharField(
        label=_("Note for the public history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why the status changes, or what progress you report. Required with every change "
            "or report; shown publicly."
        ),
    )
    happened_on = forms.DateField(
        label=_("Happened on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: when the reported fact happened, if not today."),
    )
    evidence = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=EVIDENCE_HELP,
    )
    evidence_files = EvidenceFilesField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "PDF, images, office documents or plain text; at most 5 files of 10 MB each. "
            "Published with the entry once the commitment is public."
        ),
    )


class MilestoneForm(forms.ModelForm):
    """A milestone's fields, plus one history entry: a status change, a progress report (a note
    without a status change) or a correction of an earlier entry."""

    note = StatusChangeFields.base_fields["note"]
    happened_on = StatusChangeFields.base_fields["happened_on"]
    evidence = StatusChangeFields.base_fields["evidence"]
    evidence_files = StatusChangeFields.base_fields["evidence_files"]
    corrects = forms.ModelChoiceField(
        label=_("This entry corrects"),
        queryset=MilestoneUpdate.objects.none(),
        required=False,
        help_text=_(
            "To correct a mistaken entry of the history, choose it and say in the note what was "
            "wrong. The original stays; the correction is shown next to it."
        ),
    )

    class Meta:
        model = Milestone
        fields = [
            "commitment",
            "number",
            "title",
            "description",
            "start",
            "end",
            "responsible_institution",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["corrects"].queryset = MilestoneUpdate.objects.filter(
                milestone=self.instance
            )
        self.fields["corrects"].label_from_instance = lambda update: (
            f"{timezone.localtime(update.created_at):%Y-%m-%d %H:%M} — {update}"
        )

    def clean_evidence(self):
        try:
            return parse_evidence_lines(self.cleaned_data.get("evidence", ""))
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean(self):
        cleaned = super().clean()
        note = (cleaned.get("note") or "").strip()
        if not note and self.files_an_entry():
            self.add_error("note", NOTE_REQUIRED)
        if cleaned.get(DELETION_FIELD_NAME) and self.has_history():
            # Deleting the milestone would delete its public history with it. Left unticked,
            # the row counts as kept, so its error stops the whole page from being saved.
            cleaned[DELETION_FIELD_NAME] = False
            self.add_error(
                None,
                ValidationError(
                    HISTORY_KEPT, code="has_history", params={"milestone": self.instance}
                ),
            )
        return cleaned

    def has_history(self) -> bool:
        """Whether the milestone has entries in its public history (never deleted)."""
        return (
            self.instance.pk is not None
            and MilestoneUpdate.objects.filter(milestone_id=self.instance.pk).exists()
        )

    def files_an_entry(self) -> bool:
        """Whether this form carries a history entry (a change, a report or a correction)."""
        cleaned = self.cleaned_data
        return self.status_changed() or any(
            cleaned.get(name)
            for name in ("note", "happened_on", "evidence", "evidence_files", "corrects")
        )

    def status_changed(self) -> bool:
        if "status" not in self.changed_data:
            return False
        return self.instance.pk is None or self.cleaned_data.get("status") != self.initial.get(
            "status"
        )


def save_milestone(form: MilestoneForm, user, *, save_fields: bool = True) -> Milestone:
    """Save a milestone form; its status and history change only through the service."""
    milestone = form.instance
    new_status = form.cleaned_data.get("status", milestone.status)
    if milestone.pk is None:
        milestone.status = MilestoneStatus.NOT_REPORTED
        milestone.save()
    else:
        milestone.status = form.initial.get("status", milestone.status)
        if save_fields:
            milestone.save()
    if form.files_an_entry():
        record_milestone_update(
            milestone=milestone,
            new_status=new_status,
            by=user,
            note=form.cleaned_data.get("note", ""),
            evidence=form.cleaned_data.get("evidence", ()),
            files=form.cleaned_data.get("evidence_files", ()),
            happened_on=form.cleaned_data.get("happened_on"),
            corrects=form.cleaned_data.get("corrects"),
        )
    return milestone


class LargestFirstFilter(admin.SimpleListFilter):
    """A filter over thousands of members or plans: the largest few and the current choice.

    Any other one is reached with the search box or a link carrying its slug.
    """

    LIMIT = 20
    scope = ""
    model = None
    label_field = "name"
    lookup = ""

    def lookups(self, request, model_admin):
        from commitments.rollups import Rollup

        largest = list(
            Rollup.objects.filter(scope=self.scope)
            .order_by("-n_commitments", "object_id")
            .values_list("object_id", flat=True)[: self.LIMIT]
        )
        rows = self.model.objects.filter(Q(pk__in=largest) | Q(slug=self.value() or ""))
        return [
            (row.slug, getattr(row, self.label_field)) for row in rows.order_by(self.label_field)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.lookup: self.value()}).distinct()
        return queryset


class MemberFilter(LargestFirstFilter):
    title = _("member")
    parameter_name = "member"
    scope = "member"
    model = Member
    lookup = "action_plans__member__slug"


class PlanFilter(LargestFirstFilter):
    title = _("action plan")
    parameter_name = "plan"
    scope = "plan"
    model = ActionPlan
    label_field = "title"
    lookup = "action_plans__slug"


class MilestonePlanFilter(PlanFilter):
    lookup = "commitment__action_plans__slug"


class MilestoneStatusFilter(admin.SimpleListFilter):
    title = _("milestone status")
    parameter_name = "milestone_status"

    def lookups(self, request, model_admin):
        return MilestoneStatus.choices

    def queryset(self, request, queryset):
        if self.value() in MilestoneStatus.values:
            return queryset.filter(
                Exists(Milestone.objects.filter(commitment=OuterRef("pk"), status=self.value()))
            )
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        late = queryset.overdue()
        return late if self.value() == "yes" else queryset.exclude(pk__in=late.values("pk"))


class StatusChangeForm(StatusChangeFields):
    status = forms.ChoiceField(label=_("New status"), choices=MilestoneStatus.choices)

    field_order = ["status", "note", "happened_on", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Files belong to one milestone's entry: attach them on the milestone's own page.
        del self.fields["evidence_files"]

    def clean_evidence(self):
        try:
            return parse_evidence_lines(self.cleaned_data.get("evidence", ""))
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError(NOTE_REQUIRED)
        return note


def bulk_change_status(modeladmin, request, milestones, selected):
    """The “Change status” action: ask for the new status and a note, then record each change."""
    form = StatusChangeForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        changed = unchanged = 0
        with transaction.atomic():
            for milestone in milestones:
                if milestone.status == form.cleaned_data["status"]:
                    unchanged += 1
                    continue
                change_milestone_status(
                    milestone=milestone,
                    new_status=form.cleaned_data["status"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence"],
                    happened_on=form.cleaned_data["happened_on"],
                )
                changed += 1
        if unchanged:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d milestone already had this status: nothing was recorded for it. "
                    "To report progress without a change, use the milestone's own page.",
                    "%(count)d milestones already had this status: nothing was recorded for "
                    "them. To report progress without a change, use each milestone's own page.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.WARNING,
            )
        modeladmin.message_user(
            request,
            ngettext(
                "The status of %(count)d milestone changed.",
                "The status of %(count)d milestones changed.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Change the status of milestones"),
        "opts": modeladmin.model._meta,
        "form": form,
        "milestones": milestones,
        "selected": selected,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/commitments/change_status.html", context)


class CommitmentInstitutionInline(admin.TabularInline):
    model = CommitmentInstitution
    extra = 0
    autocomplete_fields = ["institution"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


class MilestoneInline(BoundedInlineMixin, MonthFieldsMixin, BilingualStackedInline):
    """The commitment's first milestones; a commitment with more is edited from the milestone
    list too, so its page stays quick."""

    model = Milestone
    limit = 5
    month_fields = ("start", "end")
    form = MilestoneForm
    extra = 0
    autocomplete_fields = ["responsible_institution"]
    fields = [
        ("number", "status"),
        "title",
        "description",
        ("start", "end"),
        "responsible_institution",
        "note",
        "happened_on",
        "evidence",
        "evidence_files",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("responsible_institution")

    def others_url(self, obj) -> str:
        url = reverse("admin:commitments_milestone_changelist")
        return f"{url}?commitment__id__exact={obj.pk}"


@admin.register(Commitment)
class CommitmentAdmin(KeysFirstAdminMixin, CommitmentImportMixin, MonthFieldsMixin, BilingualAdmin):
    month_fields = ("start", "end")
    list_display = ["title", "ogp_id", "plans", "progress", "overdue", "is_published", "shown"]
    list_filter = [
        MemberFilter,
        PlanFilter,
        "primary_policy_area",
        "ogp_values",
        MilestoneStatusFilter,
        OverdueFilter,
        MissingTranslationFilter,
        "is_published",
    ]
    list_select_related = ["primary_policy_area"]
    search_fields = ["title", "ogp_id", "institutions__name", "institutions__acronym"]
    filter_horizontal = ["ogp_values"]
    # Thousands of plans: a searchable field, never a list of every one.
    autocomplete_fields = ["action_plans", "primary_policy_area", "primary_sector"]
    inlines = [CommitmentInstitutionInline, MilestoneInline]
    readonly_fields = ["history"]
    history_limit = 20
    actions = ["change_status"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "ogp_id",
                    "number",
                    "title",
                    "short_title",
                    "original_language",
                    "action_plans",
                    "is_published",
                ]
            },
        ),
        (
            _("Description"),
            {"fields": ["problem", "status_quo", "action", "contribution", "long_term_goal"]},
        ),
        (
            _("At a glance"),
            {
                "fields": [
                    ("start", "end"),
                    "primary_policy_area",
                    "primary_sector",
                    "ogp_values",
                    "values_narrative",
                ]
            },
        ),
        (_("Milestone history"), {"fields": ["history"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_progress()
            .select_related("primary_policy_area", "primary_sector")
            .prefetch_related("action_plans")
        )

    def list_rows(self, request):
        # A row of the list names its plans: their titles, never their questionnaires.
        plans = ActionPlan.objects.only("pk", "title", "title_es", "title_en", "original_language")
        return (
            super()
            .list_rows(request)
            .defer(*LONG_TEXTS)
            .prefetch_related(None)
            .prefetch_related(Prefetch("action_plans", queryset=plans))
        )

    def get_search_results(self, request, queryset, search_term):
        """The portal's full-text search (both languages, accents and plurals ignored, indexed),
        an OGP ID, or an institution's acronym or name: no join that repeats rows."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        institutions = CommitmentInstitution.objects.filter(
            Q(institution__acronym__iexact=term)
            | Q(institution__name__icontains=term)
            | Q(institution__name_en__icontains=term)
        ).values("commitment_id")
        # One set of keys from three index look-ups (a UNION), not three tests of every
        # commitment of the list; an OGP ID is capital letters and digits, so it is compared
        # as such (by its index), not case-insensitively (by reading every commitment).
        found = (
            Commitment.objects.search(term)
            .values("pk")
            .union(Commitment.objects.filter(ogp_id=term.upper()).values("pk"), institutions)
        )
        return queryset.filter(pk__in=found), False

    @admin.display(description=_("action plans"))
    def plans(self, obj):
        return ", ".join(plan.title for plan in obj.action_plans.all())

    @admin.display(description=_("progress"), ordering="n_finished")
    def progress(self, obj):
        return obj.progress.text

    @admin.display(description=_("overdue milestones"), ordering="n_overdue")
    def overdue(self, obj):
        return obj.n_overdue

    @admin.display(description=_("shown to the public"), boolean=True, ordering="is_public")
    def shown(self, obj):
        # Published and in a published plan: a published commitment of a draft plan is not.
        return obj.is_public

    @admin.display(description=_("history of status changes"))
    def history(self, obj):
        if obj.pk is None:
            return "—"
        updates = list(
            MilestoneUpdate.objects.filter(milestone__commitment=obj)
            .select_related("milestone", "author", "author_institution")
            .prefetch_related("evidence", "files")[: self.history_limit + 1]
        )
        if not updates:
            return _("No entries yet.")
        more = ""
        if len(updates) > self.history_limit:
            updates = updates[: self.history_limit]
            url = reverse("admin:commitments_milestoneupdate_changelist")
            more = format_html(
                '<p><a href="{}?milestone__commitment__id__exact={}">{}</a></p>',
                url,
                obj.pk,
                _("The latest %(count)d entries are shown here: see them all")
                % {"count": self.history_limit},
            )
        return format_html(
            "<ul>{}</ul>{}",
            format_html_join(
                "",
                "<li>{} — {}. {} {}: {} → {}. {} {}</li>",
                (
                    (
                        f"{timezone.localtime(update.created_at):%Y-%m-%d %H:%M}",
                        update.author or "—",
                        update.get_kind_display(),
                        update.milestone.number,
                        update.get_old_status_display(),
                        update.get_new_status_display(),
                        update.note,
                        evidence_html(update),
                    )
                    for update in updates
                ),
            ),
            more,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Milestone:
            return super().save_formset(request, form, formset, change)
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                deleted.instance.delete()
        for milestone_form in formset.forms:
            if milestone_form in formset.deleted_forms or not milestone_form.has_changed():
                continue
            milestone_form.instance.commitment = form.instance
            save_milestone(milestone_form, request.user)
        formset.new_objects = formset.changed_objects = formset.deleted_objects = []
        return None

    @admin.action(description=_("Change status of their milestones"), permissions=["change"])
    def change_status(self, request, queryset):
        milestones = Milestone.objects.filter(commitment__in=queryset).select_related("commitment")
        return bulk_change_status(self, request, milestones, queryset)


def evidence_html(update: MilestoneUpdate):
    """The entry's evidence links and files, as links (files through the checking view)."""
    items = [(link.url, link.title or link.url) for link in update.evidence.all()]
    items += [(item.get_absolute_url(), item.original_name) for item in update.files.all()]
    return format_html_join(", ", '<a href="{}" rel="noopener">{}</a>', items)


class MilestoneUpdateInline(admin.TabularInline):
    """The milestone's public history: read-only, nobody edits or deletes it."""

    model = MilestoneUpdate
    extra = 0
    fields = [
        "created_at",
        "kind",
        "happened_on",
        "author",
        "author_institution",
        "old_status",
        "new_status",
        "note",
        "corrects",
        "links",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author", "author_institution", "corrects")
            .prefetch_related("evidence", "files")
        )

    @admin.display(description=_("evidence"))
    def links(self, obj):
        return evidence_html(obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MilestoneOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_milestones_q())
        if self.value() == "no":
            return queryset.exclude(overdue_milestones_q())
        return queryset


@admin.register(Milestone)
class MilestoneAdmin(MonthFieldsMixin, BilingualAdmin):
    form = MilestoneForm
    month_fields = ("start", "end")
    # Short columns, so status and overdue stay in view at 1280 px beside the filters.
    list_display = ["__str__", "commitment_key", "months", "status", "is_overdue"]
    list_filter = [
        "status",
        MilestoneOverdueFilter,
        MissingTranslationFilter,
        MilestonePlanFilter,
    ]
    list_select_related = ["commitment"]
    search_fields = ["title", "commitment__title", "commitment__ogp_id"]
    autocomplete_fields = ["commitment", "responsible_institution"]
    inlines = [MilestoneUpdateInline]
    actions = ["change_status"]
    implementer_fields = ["status", "note", "happened_on", "evidence", "evidence_files", "corrects"]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_fields(self, request, obj=None):
        fields = [f.name for f in Milestone._meta.fields if f.editable and f.name != "id"]
        return [*fields, "note", "happened_on", "evidence", "evidence_files", "corrects"]

    def get_readonly_fields(self, request, obj=None):
        if is_secretariat(request.user):
            return []
        # Implementers change the status, with its note and evidence, and nothing else.
        return [
            name for name in self.get_fields(request, obj) if name not in self.implementer_fields
        ]

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj):
        return obj.is_overdue

    @admin.display(description=_("commitment"), ordering="commitment__ogp_id")
    def commitment_key(self, obj):
        return format_html('<span title="{}">{}</span>', obj.commitment.title, obj.commitment.key)

    @admin.display(description=_("months"), ordering="start")
    def months(self, obj):
        return " – ".join(f"{month:%Y-%m}" for month in (obj.start, obj.end) if month) or "–"

    def get_object(self, request, object_id, from_field=None):
        milestone = super().get_object(request, object_id, from_field)
        if milestone is None:
            # Another institution's milestone does not exist for this user.
            raise Http404(_("No milestone with this ID is yours to update."))
        return milestone

    def save_model(self, request, obj, form, change):
        save_milestone(form, request.user, save_fields=is_secretariat(request.user))

    @admin.action(description=_("Change status"), permissions=["change"])
    def change_status(self, request, queryset):
        return bulk_change_status(self, request, queryset.select_related("commitment"), queryset)


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(BoundedActionsMixin, admin.ModelAdmin):
    """The public history, read-only: recorded by the status service, never edited."""

    list_display = [
        "created_at",
        "kind",
        "milestone",
        "old_status",
        "new_status",
        "author",
        "author_institution",
    ]
    list_filter = ["kind", "new_status", "created_at"]
    list_select_related = ["milestone", "author", "author_institution"]
    search_fields = ["note", "milestone__title", "milestone__commitment__ogp_id"]
    # Half a million entries: no second count, and no list of years from a scan of them all
    # (the “created” filter narrows by date).
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("evidence", queryset=EvidenceLink.objects.all()), "files")
        )

    def lookup_allowed(self, lookup, value, request):
        # The commitment page links to its full history.
        return lookup == "milestone__commitment__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    def has_view_permission(self, request, obj=None):
        # Implementers read the history on their own milestones only.
        return is_secretariat(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_secretariat(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Comment moderation lives in its own module; importing it registers CommentAdmin.
from commitments import admin_comments  # noqa: E402, F401

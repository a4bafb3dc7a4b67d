from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ogptracker.admin_guards import GuardedAdminMixin
from ogptracker.bilingual_admin import BilingualAdmin, BilingualTabularInline
from ogptracker.languages import MissingTranslationFilter
from plans.models import (
    ActionPlan,
    Contact,
    Document,
    Forum,
    ForumMembership,
    Institution,
    Meeting,
    Member,
    OGPValue,
    PolicyArea,
    Sector,
    SubqueryCount,
)
from plans.roles import IMPLEMENTER


def _portal_name() -> str:
    # Read when each admin page is drawn, in its language: the name the secretariat chose.
    from portal.services import site_settings

    return site_settings().portal_name


admin.site.site_header = lazy(_portal_name, str)()
admin.site.site_title = lazy(_portal_name, str)()
admin.site.index_title = _("Local Technical Secretariat")


class MonthInput(forms.DateInput):
    """The browser's month picker: these dates are always the 1st of a month."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month (“2022-02”) stored as its 1st; a full date is read too."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class MonthFieldsMixin:
    """Edit ``month_fields`` as months: no calendar, no time-zone note (a month has no time)."""

    month_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.month_fields:
            return db_field.formfield(form_class=MonthField, widget=MonthInput)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VocabularyAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "name_es", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_es"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(OGPValue, VocabularyAdmin)
admin.site.register(PolicyArea, VocabularyAdmin)
admin.site.register(Sector, VocabularyAdmin)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["institution"]


def links_count(through, field: str) -> SubqueryCount:
    """How many commitments an object is linked to, counted for the rows of the page only."""
    return SubqueryCount(through.objects.filter(**{field: OuterRef("pk")}).values("pk"))


@admin.register(Member)
class MemberAdmin(BilingualAdmin):
    list_display = ["name", "display_name", "kind", "country", "member_since"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "display_name", "ogp_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline]


@admin.register(Institution)
class InstitutionAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "sector", "n_commitments"]
    list_filter = ["kind", "sector"]
    search_fields = ["name", "name_en", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_n_commitments=links_count(Institution.commitments.through, "institution"))
        )

    @admin.display(description=_("commitments"), ordering="_n_commitments")
    def n_commitments(self, obj):
        return obj._n_commitments

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            # Only implementers are linked to institutions.
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=IMPLEMENTER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ForumMembershipInline(BilingualTabularInline):
    model = ForumMembership
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Forum)
class ForumAdmin(BilingualAdmin):
    list_display = ["name", "acronym", "member", "established", "meeting_frequency"]
    list_select_related = ["member"]
    search_fields = ["name", "name_es", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ForumMembershipInline]


@admin.register(Meeting)
class MeetingAdmin(BilingualAdmin):
    list_display = ["title", "date", "kind", "coordinating_institution", "participants_count"]
    list_filter = ["kind", "forum"]
    list_select_related = ["coordinating_institution"]
    search_fields = ["title", "summary", "coordinating_institution__name"]
    autocomplete_fields = ["coordinating_institution", "action_plan"]
    date_hierarchy = "date"


class _Served:
    """A stored file as a file widget shows it: its name, linked to the view that serves it."""

    def __init__(self, file, url: str):
        self.file, self.url = file, url

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class ServedFileWidget(AdminFileWidget):
    """The admin's file input for a private file: the current file links to the portal's view
    (which checks who may read it), as the storage has no address to give."""

    def is_initial(self, value) -> bool:
        # Django's asks for the file's address; a stored file here has a name and a record.
        return bool(value and getattr(value, "name", "") and hasattr(value, "instance"))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["value"] = _Served(value, value.instance.link)
        return context


@admin.register(Document)
class DocumentAdmin(BilingualAdmin):
    list_display = ["title", "doc_type", "year", "member", "action_plan", "position"]
    list_filter = ["doc_type", "year", "language"]
    list_select_related = ["member", "action_plan"]
    search_fields = ["title"]
    autocomplete_fields = ["member", "action_plan", "commitment", "milestone", "meeting"]
    formfield_overrides = {models.FileField: {"widget": ServedFileWidget}}


@admin.register(ActionPlan)
class ActionPlanAdmin(MonthFieldsMixin, BilingualAdmin):
    month_fields = ("end_month",)
    list_display = ["title", "member", "period", "status", "n_commitments"]
    list_filter = ["status", MissingTranslationFilter]
    list_select_related = ["member"]
    search_fields = ["title", "member__name"]
    prepopulated_fields = {"slug": ["title"]}
    # Thousands of members and institutions: searchable fields, never lists of every one.
    autocomplete_fields = ["member", "consortium_members", "lead_institutions", "endorsements"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "member",
                    "consortium_members",
                    "title",
                    "original_language",
                    "slug",
                    "status",
                ]
            },
        ),
        (
            _("Action Plan"),
            {
                "fields": [
                    ("start_year", "end_year"),
                    "submission_year",
                    "end_month",
                    "date_submitted",
                    "introduction",
                ]
            },
        ),
        (
            _("Open Government Challenges, Opportunities and Strategic Vision"),
            {"fields": list(ActionPlan.VISION_FIELDS)},
        ),
        (
            _(
                "Engagement and Coordination in the Open Government Strategic Vision and OGP Action Plan"
            ),
            {"fields": list(ActionPlan.ENGAGEMENT_FIELDS)},
        ),
        (_("Endorsement from Non-Governmental Stakeholders"), {"fields": ["endorsements"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_n_commitments=links_count(ActionPlan.commitments.through, "actionplan"))
        )

    @admin.display(description=_("commitments"), ordering="_n_commitments")
    def n_commitments(self, obj):
        return obj._n_commitments

    @admin.display(description=_("period"), ordering="start_year")
    def period(self, obj):
        return obj.period

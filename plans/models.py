"""Members, institutions, the multi-stakeholder forum, action plans and their evidence."""

from __future__ import annotations

import functools
import json

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import Translatable
from ogptracker.storage import private_storage
from plans.roles import is_secretariat


class SubqueryCount(Subquery):
    """How many rows a subquery returns, as an integer annotation (0 when none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = models.IntegerField()


def rollup_annotations(scope: str, *fields: str, months: bool = False) -> dict:
    """The precomputed counts of each row (``commitments.rollups``): one indexed look-up each.

    ``rollup_figures``: what a progress bar shows besides the counts (not reported, overdue,
    overdue without a report), with the histogram only when the row's overdue figures are of an
    earlier month. ``months``: the histogram too (``rollup_months``; a chart of the object's
    milestones by status reads it). Built once a month: a query copies each annotation it adds,
    so one set serves every query (pass it as ``**rollup_annotations(…)``, never change it).
    """
    from commitments.rollups import this_month

    return _rollup_annotations(scope, fields, months, this_month())


@functools.lru_cache(maxsize=32)
def _rollup_annotations(scope: str, fields: tuple, months: bool, month: str) -> dict:
    rows = _model("Rollup").objects.filter(scope=scope, object_id=OuterRef("pk"))
    annotations = {
        name: Coalesce(Subquery(rows.values(name)[:1]), 0, output_field=models.IntegerField())
        for name in (*fields, "n_milestones", "n_finished")
    }
    figures = JSONObject(
        month=F("overdue_month"),
        not_reported=F("n_not_reported"),
        overdue=F("n_overdue"),
        overdue_unreported=F("n_overdue_unreported"),
        months=Case(
            When(overdue_month=month, then=Value(None)),
            default=F("months"),
            output_field=models.JSONField(),
        ),
    )
    annotations["rollup_figures"] = Subquery(
        rows.values(figures=figures)[:1], output_field=models.JSONField()
    )
    if months:
        annotations["rollup_months"] = Subquery(
            rows.values("months")[:1], output_field=models.JSONField()
        )
    return annotations


class RolledUp:
    """Models whose ``with_progress()`` reads a precomputed roll-up (``commitments.rollups``)."""

    rollup_scope = ""

    def _figure(self, name: str, of_tally) -> int:
        # Read lazily: ``plans`` never imports ``commitments`` at load time.
        from commitments.rollups import Tally, this_month

        figures = getattr(self, "rollup_figures", None)
        if figures is not None:
            current = self.__dict__.get("_figures_current")
            if current is None:  # once per row: a bar reads three figures
                current = self.__dict__["_figures_current"] = figures.get("month") == this_month()
            if current:
                return figures[name]
        # Figures of an earlier month (until ``refresh_overdue_figures``): from the histogram.
        return of_tally(self.rollup_tally if figures is not None else Tally(None))

    @property
    def rollup_tally(self):
        """Its milestones by status and end month (``commitments.rollups.Tally``): annotated by
        ``with_progress(months=True)``, else read with the overdue figures of an earlier month,
        else read now (one query)."""
        from commitments.rollups import Rollup, Tally

        months = getattr(self, "rollup_months", None)
        if months is None:
            months = (getattr(self, "rollup_figures", None) or {}).get("months")
        if months is None and self.pk is not None:
            months = (
                Rollup.objects.filter(scope=self.rollup_scope, object_id=self.pk)
                .values_list("months", flat=True)
                .first()
            )
        if isinstance(months, str):  # SQLite nests the histogram as text
            months = json.loads(months)
        self.rollup_months = months
        return Tally(months)

    @property
    def n_overdue(self) -> int:
        """Milestones overdue today."""
        return self._figure("overdue", lambda tally: tally.overdue())

    @property
    def n_not_reported(self) -> int:
        """Milestones nobody has reported on."""
        return self._figure("not_reported", lambda tally: tally.count("not_reported"))

    @property
    def n_overdue_unreported(self) -> int:
        """Milestones overdue today that nobody has reported on."""
        return self._figure(
            "overdue_unreported", lambda tally: tally.overdue(status="not_reported")
        )


def _model(name: str) -> type[models.Model]:
    # ``plans`` is imported by ``commitments``, never the reverse: look the model up lazily.
    return apps.get_model("commitments", name)


class Vocabulary(models.Model):
    """An admin-editable list of terms, named in English and Spanish."""

    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The term in the active language, falling back to English."""
        if (get_language() or "").startswith("es") and self.name_es:
            return self.name_es
        return self.name


class OGPValue(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("OGP value")
        verbose_name_plural = _("OGP values")


class PolicyArea(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")


class Sector(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class MemberQuerySet(models.QuerySet):
    def with_progress(self, months: bool = False) -> MemberQuerySet:
        """Annotate plans, commitments and milestones rolled up from its published plans.

        A member's plans are those it leads and those it joined as a consortium member; a
        commitment shared by two of them counts once. Read from the precomputed roll-ups
        (``months``: with the histogram, see ``rollup_annotations``).
        """
        return self.annotate(
            **rollup_annotations("member", "n_plans", "n_commitments", months=months)
        )


class Member(RolledUp, Translatable):
    """An OGP member: a national government or a local jurisdiction."""

    rollup_scope = "member"

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National")
        LOCAL = "local", _("Local")

    name = models.CharField(_("name"), max_length=200)
    display_name = models.CharField(
        _("display name"),
        max_length=250,
        blank=True,
        help_text=_("For example “Mexico State, Mexico”."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    country = models.ForeignKey(
        "self",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_members",
        limit_choices_to={"kind": "national"},
        help_text=_("The national member a local member belongs to."),
    )
    ogp_code = models.CharField(
        _("OGP code"),
        max_length=10,
        blank=True,
        help_text=_("The code used in commitment IDs, for example “MEX” in MXMEX0009."),
    )
    member_since = models.PositiveSmallIntegerField(_("member since"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.display_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:member", kwargs={"slug": self.slug})


class InstitutionQuerySet(models.QuerySet):
    def with_progress(self, months: bool = False) -> InstitutionQuerySet:
        """Annotate the published commitments it leads or supports and their milestones
        (``months``: with the histogram, see ``rollup_annotations``)."""
        return self.annotate(
            **rollup_annotations("institution", "n_led", "n_supported", months=months)
        )


class Institution(RolledUp, models.Model):
    """A stakeholder: a government agency, an autonomous body, a civil society organisation…"""

    rollup_scope = "institution"

    class Kind(models.TextChoices):
        STATE_EXECUTIVE = "state_executive", _("State executive agency")
        MUNICIPAL = "municipal", _("Municipal government")
        AUTONOMOUS = "autonomous", _("Autonomous body")
        JUDICIARY = "judiciary", _("Judiciary")
        LEGISLATURE = "legislature", _("Legislature")
        ELECTORAL = "electoral", _("Electoral body")
        HUMAN_RIGHTS = "human_rights", _("Human rights commission")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
        ACADEMIA = "academia", _("Academia")
        PRIVATE = "private", _("Private sector")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    class SectorKind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        NON_GOVERNMENTAL = "non_governmental", _("Non-governmental")

    name = models.CharField(_("official name"), max_length=300, unique=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    sector = models.CharField(
        _("sector"), max_length=20, choices=SectorKind.choices, default=SectorKind.GOVERNMENT
    )
    website = models.URLField(_("website"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("implementers"),
        blank=True,
        related_name="institutions",
        help_text=_("Users of the Implementer group who update this institution’s milestones."),
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def label(self) -> str:
        """The name in the active language."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:institution", kwargs={"slug": self.slug})


class Contact(models.Model):
    """A member's point of contact."""

    class Role(models.TextChoices):
        GOVERNMENT = "government", _("Government point of contact")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        MONITORING_BODY = "monitoring_body", _("Monitoring body")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=300, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=300,
        blank=True,
        help_text=_("When the institution is not in the list of institutions."),
    )
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.GOVERNMENT)

    class Meta:
        ordering = ["member", "role", "name"]
        verbose_name = _("point of contact")
        verbose_name_plural = _("points of contact")

    def __str__(self) -> str:
        return self.name


class Forum(Translatable):
    """The multi-stakeholder forum (the Local Technical Secretariat) that steers a member's plans."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="forums"
    )
    name = models.CharField(_("name"), max_length=300)
    name_es = models.CharField(_("Spanish name"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    established = models.DateField(_("established"), null=True, blank=True)
    meeting_frequency = models.CharField(_("meeting frequency"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    rules_url = models.URLField(_("rules (link)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("es") and self.name_es:
            return self.name_es
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:forum", kwargs={"slug": self.slug})


class ForumMembership(Translatable):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ALTERNATE = "alternate", _("Alternate")
        CHAIR = "chair", _("Chair")
        TECHNICAL_SECRETARY = "technical_secretary", _("Technical secretary")
        OBSERVER = "observer", _("Observer")

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_memberships",
    )
    person = models.CharField(_("person"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Institution.SectorKind.choices, blank=True
    )
    description = models.CharField(_("represents"), max_length=300, blank=True)

    class Meta:
        ordering = ["forum", "role", "pk"]
        verbose_name = _("forum membership")
        verbose_name_plural = _("forum memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(person=""),
                name="forum_membership_names_someone",
                violation_error_message=_("A membership needs an institution or a person."),
            )
        ]

    def __str__(self) -> str:
        return self.person or str(self.institution)


class MeetingQuerySet(models.QuerySet):
    def published(self) -> MeetingQuerySet:
        """Meetings the public may see: those of no plan or of a published plan."""
        return self.filter(
            Q(action_plan__isnull=True) | Q(action_plan__status=ActionPlan.Status.PUBLISHED)
        )

    def visible_to(self, user) -> MeetingQuerySet:
        """Published meetings; the secretariat sees those of draft plans too."""
        return self if is_secretariat(user) else self.published()


class Meeting(Translatable):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")
        ROUNDTABLE = "roundtable", _("Thematic roundtable")
        OPEN_DIALOGUE = "open_dialogue", _("Open dialogue")
        CONSULTATION = "consultation", _("Online consultation")
        FORUM = "forum", _("Forum")

    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )
    action_plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    coordinating_institution = models.ForeignKey(
        Institution,
        verbose_name=_("coordinating institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_meetings",
    )
    participants_count = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    minutes_url = models.URLField(_("minutes (link)"), blank=True, max_length=500)
    video_url = models.URLField(_("video (link)"), blank=True, max_length=500)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("A meeting cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"


class ActionPlanQuerySet(models.QuerySet):
    def published(self) -> ActionPlanQuerySet:
        """Plans the public may see."""
        return self.filter(status=ActionPlan.Status.PUBLISHED)

    def visible_to(self, user) -> ActionPlanQuerySet:
        """Published plans; only the secretariat sees drafts on the public pages.

        Implementers are staff, but a draft is the secretariat's work in progress: they see
        their own institutions' draft commitments and milestones in the admin, where they work,
        and nothing unpublished on the public site.
        """
        return self if is_secretariat(user) else self.published()

    def with_progress(self, months: bool = False) -> ActionPlanQuerySet:
        """Annotate its published commitments and their milestones, rolled up by one rule
        (``months``: with the histogram, see ``rollup_annotations``)."""
        return self.annotate(**rollup_annotations("plan", "n_commitments", months=months))

    def of_member(self, member) -> ActionPlanQuerySet:
        """Plans the member leads or joined as a consortium member.

        One sub-query of two index look-ups (a UNION): “led by it OR joined by it” across a join
        would make PostgreSQL read every plan, and would repeat plans joined twice.
        """
        led = ActionPlan.objects.filter(member=member).values("pk")
        joined = ActionPlan.consortium_members.through.objects.filter(member=member)
        return self.filter(pk__in=led.union(joined.values("actionplan_id")))

    def in_implementation(self, today=None, negate: bool = False) -> ActionPlanQuerySet:
        """Plans whose period has not ended: by end month when known, else by end year.

        ``negate`` keeps the others instead (ended, or not started yet).
        """
        today = today or timezone.localdate()
        this_month = today.replace(day=1)
        running = (
            Q(end_month__gte=this_month) | Q(end_month__isnull=True, end_year__gte=today.year)
        ) & Q(start_year__lte=today.year)
        return self.exclude(running) if negate else self.filter(running)


class ActionPlan(RolledUp, Translatable):
    """An OGP Local action plan with the questions of OGP's template, each its own field."""

    rollup_scope = "plan"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="action_plans"
    )
    consortium_members = models.ManyToManyField(
        Member,
        verbose_name=_("consortium members"),
        blank=True,
        related_name="consortium_plans",
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    submission_year = models.PositiveSmallIntegerField(
        _("action plan submission"), null=True, blank=True
    )
    end_month = models.DateField(
        _("action plan end"), null=True, blank=True, help_text=_("Month precision: the 1st.")
    )
    date_submitted = models.DateField(_("date submitted"), null=True, blank=True)
    reported_commitments = models.PositiveSmallIntegerField(
        _("number of commitments reported by OGP"),
        null=True,
        blank=True,
        help_text=_(
            "Only for a plan whose commitments are not entered in this portal (a national plan "
            "shown for context): the number OGP publishes. Pages show it as OGP’s figure."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    lead_institutions = models.ManyToManyField(
        Institution,
        verbose_name=_(
            "Please list the lead institutions responsible for the implementation of this OGP action plan."
        ),
        blank=True,
        related_name="led_plans",
    )
    introduction = models.TextField(_("introduction"), blank=True)

    # Open Government Challenges, Opportunities and Strategic Vision
    vision = models.TextField(
        _("What is the long-term vision for open government in your context and jurisdiction?"),
        blank=True,
    )
    achievements = models.TextField(
        _(
            "What are the achievements in open government to date (for example, recent open government reforms)?"
        ),
        blank=True,
    )
    challenges = models.TextField(
        _(
            "What are the current challenges/areas for improvement in open government that the jurisdiction wishes to tackle?"
        ),
        blank=True,
    )
    medium_term_goals = models.TextField(
        _("What are the medium-term open government goals that the government wants to achieve?"),
        blank=True,
    )
    plan_contribution = models.TextField(
        _("How does this action plan contribute to achieve the Open Government Strategic Vision?"),
        blank=True,
    )
    policy_goals = models.TextField(
        _(
            "How does the open government strategic vision contribute to the accomplishment of the current administration’s overall policy goals?"
        ),
        blank=True,
    )

    # Engagement and Coordination in the Open Government Strategic Vision and OGP Action Plan
    institutional_arrangements = models.TextField(
        _(
            "What kind of institutional arrangements are in place to coordinate between government agencies and departments to implement the OGP action plan?"
        ),
        blank=True,
    )
    collaboration_spaces = models.TextField(
        _(
            "What kind of spaces have you used or created to enable the collaboration between government and civil society in the co-creation and implementation of this action plan? Mention both offline and online spaces."
        ),
        blank=True,
    )
    diversity_measures = models.TextField(
        _(
            "What measures did you take to ensure diversity of representation (including vulnerable or marginalized populations) in these spaces?"
        ),
        blank=True,
    )
    participants = models.TextField(_("Who participated in these spaces?"), blank=True)
    groups_count = models.PositiveIntegerField(
        _("How many groups participated in these spaces?"), null=True, blank=True
    )
    public_meetings_count = models.PositiveIntegerField(
        _("How many public-facing meetings were held in the co-creation process?"),
        null=True,
        blank=True,
    )
    continued_collaboration = models.TextField(
        _(
            "How will government and non-governmental stakeholders continue to collaborate through the implementation of the action plan?"
        ),
        blank=True,
    )
    monitoring_body = models.TextField(
        _("Please describe the independent Monitoring Body you have identified for this plan."),
        blank=True,
    )
    monitoring_body_contact = models.TextField(
        _("Provide the contact details for the independent monitoring body."), blank=True
    )
    progress_activities = models.TextField(
        _(
            "What types of activities will you have in place to discuss progress on commitments with stakeholders?"
        ),
        blank=True,
    )
    agency_checkins = models.TextField(
        _("How will you regularly check in on progress with implementing agencies?"), blank=True
    )
    results_sharing = models.TextField(
        _("How will you share the results of your monitoring efforts with the public?"),
        blank=True,
    )

    # Endorsement from Non-Governmental Stakeholders
    endorsements = models.ManyToManyField(
        Institution,
        verbose_name=_("Endorsement from Non-Governmental Stakeholders"),
        blank=True,
        related_name="endorsed_plans",
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionPlanQuerySet.as_manager()

    VISION_FIELDS = (
        "vision",
        "achievements",
        "challenges",
        "medium_term_goals",
        "plan_contribution",
        "policy_goals",
    )
    ENGAGEMENT_FIELDS = (
        "lead_institutions",
        "institutional_arrangements",
        "collaboration_spaces",
        "diversity_measures",
        "participants",
        "groups_count",
        "public_meetings_count",
        "continued_collaboration",
        "monitoring_body",
        "monitoring_body_contact",
        "progress_activities",
        "agency_checkins",
        "results_sharing",
    )

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        # Published plans newest first (home page, plans list): read in order, not sorted.
        indexes = [
            models.Index(
                fields=["-start_year"],
                condition=Q(status="published"),
                name="plan_published_newest",
            ),
            # The plans list, in each language's title order.
            *(
                models.Index(
                    fields=["-start_year", f"title_{code}", "id"],
                    condition=Q(status="published"),
                    name=f"plan_published_list_{code}",
                )
                for code in ("es", "en")
            ),
            # The sitemap's last change of the plans.
            models.Index(
                fields=["updated_at"],
                condition=Q(status="published"),
                name="plan_published_updated",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="action_plan_ends_after_it_starts",
                violation_error_message=_("An action plan cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def period(self) -> str:
        return f"{self.start_year} – {self.end_year}"


@functools.cache
def _published_document_rule() -> tuple[Q, ...]:
    """What makes a document public (``DocumentQuerySet.published``), built once: a query
    copies each condition it adds.

    Checked row by row (an index look-up for each link a document has), so a page of a plan's or
    a member's documents never lists every published plan or commitment first.
    """
    commitments = _model("Commitment").objects.published()
    plans = ActionPlan.objects.published()

    def public(queryset, key: str) -> Exists:
        return Exists(queryset.filter(pk=OuterRef(key)))

    return (
        Q(action_plan__isnull=True) | public(plans, "action_plan_id"),
        Q(commitment__isnull=True) | public(commitments, "commitment_id"),
        Q(milestone__isnull=True) | public(commitments, "milestone__commitment_id"),
        Q(meeting__isnull=True)
        | Q(meeting__action_plan__isnull=True)
        | public(plans, "meeting__action_plan_id"),
    )


class DocumentQuerySet(models.QuerySet):
    def published(self) -> DocumentQuerySet:
        """Documents attached only to things the public may see.

        Every public page, feed, sitemap, export and the API lists documents through this
        method (or ``visible_to``), and the file download view checks it too.
        """
        return self.filter(*_published_document_rule())

    def visible_to(self, user) -> DocumentQuerySet:
        """Published documents; the secretariat sees those of drafts too."""
        return self if is_secretariat(user) else self.published()


class Document(Translatable):
    """A resource in the public evidence repository."""

    class Type(models.TextChoices):
        ACTION_PLAN = "action_plan", _("Action Plan")
        INCEPTION_REPORT = "inception_report", _("Inception Report")
        END_OF_COMMITMENT_REPORT = "end_of_commitment_report", _("End of Commitment Report")
        IRM_REPORT = "irm_report", _("IRM Report")
        REPORT_COMMENTS = "report_comments", _("Report Comments")
        FINAL_LEARNING_EXERCISE = "final_learning_exercise", _("Final Learning Exercise")
        SELF_ASSESSMENT = "self_assessment", _("Self Assessment")
        LETTER = "letter", _("Letter")
        RESOURCE = "resource", _("Resource")
        RESEARCH_PRODUCT = "research_product", _("Research Product")
        MINUTES = "minutes", _("Minutes")
        VIDEO = "video", _("Video")
        CONSULTATION_RESULTS = "consultation_results", _("Consultation Results")

    class Language(models.TextChoices):
        SPANISH = "es", _("Spanish")
        ENGLISH = "en", _("English")

    title = models.CharField(_("title"), max_length=500)
    doc_type = models.CharField(_("type"), max_length=40, choices=Type.choices, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    # Not under MEDIA_ROOT: ``plans.views.document_file`` serves it after checking publication.
    file = models.FileField(
        _("file"), upload_to="documents/%Y/", storage=private_storage, blank=True
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    action_plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    milestone = models.ForeignKey(
        "commitments.Milestone",
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-year", "title", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        # The documents' order in each language (the API's list, the repository): read in
        # order, not sorted.
        indexes = [
            models.Index(
                fields=["position", "-year", f"title_{code}", "id"], name=f"document_order_{code}"
            )
            for code in ("es", "en")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2200),
                name="document_year_is_plausible",
                violation_error_message=_("The year must be between 1900 and 2200."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """The portal's download of the uploaded file, else the web link."""
        if self.file:
            return reverse("document_file", kwargs={"pk": self.pk})
        return self.url

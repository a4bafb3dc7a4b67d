"""Commitments, their milestones and the public history of every status change."""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchVectorField
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Case, Exists, F, FloatField, Func, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ogptracker.languages import ContentLanguage, Translatable, active_language
from ogptracker.uploads import private_storage
from plans.roles import is_secretariat

OGP_ID_PATTERN = r"^[A-Z]{2}[A-Z]*[0-9]{4}$"
ogp_id_validator = RegexValidator(
    OGP_ID_PATTERN,
    _(
        "An OGP ID is two capital letters, optionally more capital letters, then four digits "
        "(for example MX0075 or MXMEX0009)."
    ),
)


def month_start(day: datetime.date | None = None) -> datetime.date:
    """The first day of the month of ``day`` (today by default)."""
    day = day or timezone.localdate()
    return day.replace(day=1)


class MilestoneStatus(models.TextChoices):
    NOT_REPORTED = "not_reported", _("Not reported")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    STUCK = "stuck", _("Stuck")
    FINISHED = "finished", _("Finished")
    INCOMPLETE = "incomplete", _("Incomplete")


class Progress:
    """Finished milestones over all milestones: the one rule every page states beside its figure.

    Milestones nobody has reported on are counted apart (“not reported”), never as started.
    """

    RULE = _(
        "Progress counts finished milestones over all milestones. A milestone nobody has "
        "reported on counts as not reported, never as started or finished."
    )

    def __init__(
        self,
        finished: int,
        total: int,
        not_reported: int = 0,
        overdue: int = 0,
        overdue_unreported: int = 0,
    ) -> None:
        self.finished = finished or 0
        self.total = total or 0
        self.not_reported = not_reported or 0
        self.overdue = overdue or 0
        self.overdue_unreported = overdue_unreported or 0

    @classmethod
    def of(cls, obj) -> Progress:
        """From an object's roll-up annotations (``n_finished``, ``n_milestones``…)."""
        return cls(
            getattr(obj, "n_finished", 0),
            getattr(obj, "n_milestones", 0),
            getattr(obj, "n_not_reported", 0),
            getattr(obj, "n_overdue", 0),
            getattr(obj, "n_overdue_unreported", 0),
        )

    @classmethod
    def of_milestones(cls, milestones) -> Progress:
        milestones = list(milestones)
        return cls(
            sum(m.status == MilestoneStatus.FINISHED for m in milestones),
            len(milestones),
            sum(m.status == MilestoneStatus.NOT_REPORTED for m in milestones),
            sum(m.is_overdue for m in milestones),
            sum(m.is_overdue_unreported for m in milestones),
        )

    @property
    def overdue_reported(self) -> int:
        """Overdue milestones someone reported on (stuck, not started, in progress…)."""
        return self.overdue - self.overdue_unreported

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0

    @property
    def text(self) -> str:
        if not self.total:
            return str(_("No milestones yet"))
        text = ngettext(
            "%(finished)s of %(total)s milestone finished",
            "%(finished)s of %(total)s milestones finished",
            self.total,
        ) % {"finished": self.finished, "total": self.total}
        if self.not_reported:
            text += " · " + ngettext(
                "%(count)s not reported", "%(count)s not reported", self.not_reported
            ) % {"count": self.not_reported}
        return text

    def __str__(self) -> str:
        return self.text


def overdue_milestones_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Milestones whose end month has passed and that are not finished."""
    return Q(**{f"{prefix}end__lt": month_start(today)}) & ~Q(
        **{f"{prefix}status": MilestoneStatus.FINISHED}
    )


def overdue_unreported_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Overdue milestones nobody has reported on: “overdue without a report”."""
    return Q(**{f"{prefix}end__lt": month_start(today)}) & Q(
        **{f"{prefix}status": MilestoneStatus.NOT_REPORTED}
    )


def overdue_reported_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Overdue milestones with a reported status (stuck, not started, in progress, incomplete)."""
    return overdue_milestones_q(prefix, today) & ~Q(
        **{f"{prefix}status": MilestoneStatus.NOT_REPORTED}
    )


class OverdueKind(models.TextChoices):
    """The two kinds of lateness the explorer, the API and the exports tell apart."""

    UNREPORTED = "unreported", _("Overdue without a report")
    REPORTED = "reported", _("Overdue, with a reported status")


OVERDUE_KIND_Q = {
    OverdueKind.UNREPORTED: overdue_unreported_q,
    OverdueKind.REPORTED: overdue_reported_q,
}


class SearchTerms(SearchQuery):
    """The words a citizen typed, as a Spanish-or-English, accent-free ``tsquery`` (PostgreSQL).

    ``ogp_search_query`` (``websearch_to_tsquery`` in both languages over ``unaccent``) is created
    by the migration ``commitments.0004_search``.
    """

    def __init__(self, text: str) -> None:
        Func.__init__(self, Value(text), output_field=SearchQueryField())
        self.function = "ogp_search_query"
        self.config = None
        self.invert = False


def _query_text(text: str) -> str:
    """A query as searched: spaces collapsed, at most 200 characters."""
    return " ".join(text.split())[:200]


# A search sorted by relevance ranks at most this many matches, the newest (the explorer, the
# API): see ``CommitmentQuerySet.by_relevance``.
RANKED_MATCHES = 1000


def _search_rank(query: SearchTerms) -> Func:
    """How well a commitment's ``search_vector`` matches ``query`` (PostgreSQL's ``ts_rank``)."""
    return Func(F("search_vector"), query, function="ts_rank", output_field=FloatField())


# Texts a list never shows (both language columns of each).
LONG_TEXTS = tuple(
    f"{name}{suffix}"
    for name in (
        "problem",
        "status_quo",
        "action",
        "contribution",
        "long_term_goal",
        "values_narrative",
    )
    for suffix in ("", "_es", "_en")
) + ("search_text", "search_vector")


def public_rule() -> Q:
    """What makes a commitment public: published, and in at least one published plan."""
    from plans.models import ActionPlan

    in_published_plan = ActionPlan.objects.published().filter(commitments=OuterRef("pk"))
    return Q(Exists(in_published_plan), is_published=True)


@functools.lru_cache(maxsize=2)
def _progress_annotations(this_month: datetime.date) -> dict:
    """``CommitmentQuerySet.with_progress``'s counts, built once per month (overdue means ending
    before ``this_month``): a query copies each annotation it adds, so one set serves every
    query."""
    from plans.models import SubqueryCount

    def count(milestones):
        return SubqueryCount(milestones.order_by().values("pk"))

    milestones = Milestone.objects.filter(commitment=OuterRef("pk"))
    return {
        "n_finished": count(milestones.filter(status=MilestoneStatus.FINISHED)),
        "n_milestones": count(milestones),
        "n_not_reported": count(milestones.filter(status=MilestoneStatus.NOT_REPORTED)),
        "n_overdue": count(milestones.filter(overdue_milestones_q(today=this_month))),
        "n_overdue_unreported": count(milestones.filter(overdue_unreported_q(today=this_month))),
    }


class CommitmentQuerySet(models.QuerySet):
    def published(self) -> CommitmentQuerySet:
        """Published commitments that belong to at least one published plan.

        Read from ``is_public``, which the roll-ups' writer keeps equal to ``public_rule()``
        (see ``commitments.rollups.refresh_public``): a page walks an index of the public
        commitments instead of looking for a published plan of each one.
        """
        return self.filter(is_public=True)

    def visible_to(self, user) -> CommitmentQuerySet:
        """Published commitments; only the secretariat sees drafts on the public pages.

        Implementers see their own institutions' unpublished commitments in the admin only
        (see ``ActionPlanQuerySet.visible_to``).
        """
        return self if is_secretariat(user) else self.published()

    def of_plan_visible_to(self, plan, user) -> CommitmentQuerySet:
        """The plan's commitments the user may see (``visible_to``), selected by key."""
        keys = self.model.action_plans.through.objects.filter(actionplan=plan)
        return self.filter(pk__in=keys.values("commitment_id")).visible_to(user)

    def with_progress(self) -> CommitmentQuerySet:
        """Annotate milestone counts: finished, total and overdue.

        Per-row counts over the milestone index, never a grouping of every commitment: a page
        of 25 counts the milestones of 25 (PostgreSQL evaluates them after sorting and limiting).
        """
        return self.annotate(**_progress_annotations(month_start()))

    def overdue(self, kind: str | None = None) -> CommitmentQuerySet:
        """Commitments with at least one overdue milestone (of ``kind``, when given)."""
        rule = OVERDUE_KIND_Q.get(kind, overdue_milestones_q)
        late = Milestone.objects.filter(rule(), commitment=OuterRef("pk"))
        return self.filter(Exists(late))

    def search(self, text: str) -> CommitmentQuerySet:
        """Commitments whose titles or texts, or whose milestones' texts, match ``text``.

        On PostgreSQL: full-text search of both language versions, each stemmed in its own
        language, insensitive to accents and case, over a stored vector kept current by database
        triggers (GIN-indexed), annotated with a ``rank``. Elsewhere: every word, without accents
        or a plural ending, in the normalised ``search_text``, with a constant rank.
        """
        text = _query_text(text)
        if not text:
            return self
        if connection.vendor == "postgresql":
            query = SearchTerms(text)
            return self.filter(search_vector=query).annotate(rank=_search_rank(query))
        from commitments.search import search_words

        matches = Q()
        for word in search_words(text):
            matches &= Q(search_text__contains=word)
        return self.filter(matches | Q(ogp_id__iexact=text)).annotate(
            rank=Value(1.0, output_field=FloatField())
        )

    def search_first(self, text: str, limit: int) -> CommitmentQuerySet:
        """``search(text)`` narrowed to the newest ``limit`` matches, ranked: every match when
        there are no more, whatever their rank.

        Ranking reads each ranked commitment's whole vector (kilobytes), so ranking every match
        of a word found in most commitments takes far longer than finding them; a page that
        shows the best few bounds that work. The newest matches' keys are found once per
        version of the data (``newest_keys``), so that counting and listing them searches no
        further. On other databases every rank is the same constant and nothing is narrowed.
        """
        found = self.search(text)
        if connection.vendor != "postgresql" or "rank" not in found.query.annotations:
            return found
        newest = found.newest_keys(limit)
        if newest is None:
            return found
        query = SearchTerms(_query_text(text))
        return self.model.objects.filter(pk__any_of=newest).annotate(rank=_search_rank(query))

    def by_relevance(self, limit: int | None = None) -> tuple[CommitmentQuerySet, list[int] | None]:
        """Searched commitments annotated with ``relevance``, and the keys ranked.

        Ranking reads a commitment's whole search vector (kilobytes): ranking every commitment
        that mentions a common word ("participación": one in five) took over 100 ms. When more
        than ``limit`` (default ``RANKED_MATCHES``) match, the newest ``limit`` (``newest_keys``) are ranked and come first,
        the others after them (relevance -1, below any rank); their keys are returned. Else every
        match is ranked, and None is returned. Other databases rank every match alike.
        """
        limit = RANKED_MATCHES if limit is None else limit
        ranked = self.newest_keys(limit) if connection.vendor == "postgresql" else None
        relevance = F("rank")
        if ranked is not None:
            relevance = Case(
                When(pk__any_of=ranked, then=F("rank")),
                default=Value(-1.0),
                output_field=FloatField(),
            )
        return self.annotate(relevance=relevance), ranked

    def newest_keys(self, limit: int) -> list[int] | None:
        """The keys of the newest ``limit`` commitments of this list when more are in it, else
        None; found once per version of the public data for each query (``pagecache``).

        Made for searches: they are looked for among the newest keys only, as many as should
        hold them at the share of commitments that match (the count, kept per version of the
        data), half as many again, and four times more each time they do not. The search index
        and the key range then meet in one bitmap, and only the commitments in that range are
        read, not every match.
        """
        from ogptracker import pagecache

        keys = self.values_list("pk", flat=True)
        return pagecache.kept_for_query(
            "newest", keys, lambda: self._find_newest_keys(limit), limit
        )

    def _find_newest_keys(self, limit: int) -> list[int] | None:
        from ogptracker import pagecache

        matches = pagecache.count_once(self.values_list("pk", flat=True))
        if matches <= limit:
            return None
        top = self.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        span = int(1.5 * (limit + 1) * top / matches) + 1
        while True:
            # Sorted by ``pk + 0``: from the bitmap of matches, not by walking the primary key
            # backwards and testing every commitment's vector.
            newest = list(
                self.filter(pk__gt=top - span)
                .order_by((F("pk") + Value(0)).desc())
                .values_list("pk", flat=True)[: limit + 1]
            )
            if len(newest) > limit or span >= top:
                break
            span *= 4
        return newest[:limit] if len(newest) > limit else None

    def for_listing(self) -> CommitmentQuerySet:
        """Everything lists touch, loaded up front."""
        from plans.models import ActionPlan

        # A card names its plans: their titles, never their questionnaires' long texts; as a
        # list (``listed_plans``), which costs no related manager per row.
        plans = ActionPlan.objects.only(
            "pk", "slug", "title", "title_es", "title_en", "original_language", "status"
        )
        return (
            self.defer(*LONG_TEXTS)
            .with_progress()
            .select_related("primary_policy_area", "primary_sector")
            .prefetch_related(
                models.Prefetch("action_plans", queryset=plans, to_attr="listed_plans")
            )
        )


class Commitment(Translatable):
    """A promise for reform in one or more action plans."""

    ogp_id = models.CharField(
        _("OGP ID"),
        max_length=20,
        blank=True,
        validators=[ogp_id_validator],
        help_text=_("Leave empty until OGP assigns one, for example MXMEX0009."),
    )
    number = models.PositiveSmallIntegerField(_("number in its plan"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    short_title = models.CharField(_("short title"), max_length=200, blank=True)
    action_plans = models.ManyToManyField(
        "plans.ActionPlan", verbose_name=_("action plans"), related_name="commitments"
    )
    institutions = models.ManyToManyField(
        "plans.Institution",
        through="CommitmentInstitution",
        verbose_name=_("institutions"),
        related_name="commitments",
    )
    problem = models.TextField(_("problem"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    action = models.TextField(_("action"), blank=True)
    contribution = models.TextField(
        _("How will the commitment contribute to solving the public problem described above?"),
        blank=True,
    )
    long_term_goal = models.TextField(
        _(
            "What long-term goal as identified in your Open Government Strategy does this commitment relate to?"
        ),
        blank=True,
    )
    primary_policy_area = models.ForeignKey(
        "plans.PolicyArea",
        verbose_name=_("primary policy area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    primary_sector = models.ForeignKey(
        "plans.Sector",
        verbose_name=_("primary sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    ogp_values = models.ManyToManyField(
        "plans.OGPValue", verbose_name=_("OGP values"), blank=True, related_name="commitments"
    )
    values_narrative = models.TextField(
        _("What OGP value is this commitment relevant to?"), blank=True
    )
    start = models.DateField(
        _("commitment start"), null=True, blank=True, help_text=_("Month precision: the 1st.")
    )
    end = models.DateField(
        _("commitment end"), null=True, blank=True, help_text=_("Month precision: the 1st.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Published and in a published plan: what the public sees (``public_rule``), kept by the
    # roll-ups' writer on every change of either, never typed.
    is_public = models.BooleanField(_("public"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Filled on PostgreSQL by a trigger from the commitment's and its milestones' texts
    # (migration 0004_search); GIN-indexed there, unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)
    # Both language versions of the texts, normalised, for search without PostgreSQL
    # (commitments.search keeps it current).
    search_text = models.TextField(blank=True, editable=False, default="")

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["number", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        # The explorer's default order, walked from the start of a page.
        indexes = [
            models.Index(fields=["number", "id"], name="commitment_number_order"),
            # The public lists' order, walked without reading the commitments themselves.
            models.Index(
                fields=["number", "id"],
                condition=Q(is_public=True),
                name="commitment_public_number",
            ),
            # The sitemap's last change of the public commitments.
            models.Index(
                fields=["updated_at"],
                condition=Q(is_public=True),
                name="commitment_public_updated",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ogp_id"],
                condition=~Q(ogp_id=""),
                name="commitment_ogp_id_unique_when_present",
                violation_error_message=_("Another commitment already has this OGP ID."),
            ),
            models.CheckConstraint(
                condition=Q(ogp_id="") | Q(ogp_id__regex=OGP_ID_PATTERN),
                name="commitment_ogp_id_shape",
                violation_error_message=ogp_id_validator.message,
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="commitment_ends_after_it_starts",
                violation_error_message=_("A commitment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.ogp_id})" if self.ogp_id else self.title

    @property
    def key(self) -> str:
        """The public identifier: the OGP ID when it has one, else its number in the portal."""
        return self.ogp_id or str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", kwargs={"key": self.key})

    @property
    def progress(self) -> Progress:
        """Finished over all milestones, from annotations when the QuerySet loaded them."""
        if hasattr(self, "n_milestones"):
            return Progress.of(self)
        return Progress.of_milestones(self.milestones.all())


class CommitmentInstitution(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORTING = "supporting", _("Supporting")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="institution_roles",
    )
    institution = models.ForeignKey(
        "plans.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="commitment_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEAD)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("contact’s position"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact’s email"), blank=True)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("institution involved")
        verbose_name_plural = _("institutions involved")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "institution"],
                name="commitment_institution_once",
                violation_error_message=_(
                    "This institution is already involved in the commitment."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


class MilestoneQuerySet(models.QuerySet):
    def finished(self) -> MilestoneQuerySet:
        """Milestones that count as done in a progress figure."""
        return self.filter(status=MilestoneStatus.FINISHED)

    def not_reported(self) -> MilestoneQuerySet:
        """Milestones nobody has reported on."""
        return self.filter(status=MilestoneStatus.NOT_REPORTED)

    def overdue(self, today: datetime.date | None = None) -> MilestoneQuerySet:
        """Milestones whose end month has passed and that are not finished."""
        return self.filter(overdue_milestones_q(today=today))

    def overdue_unreported(self, today: datetime.date | None = None) -> MilestoneQuerySet:
        """Overdue milestones nobody has reported on."""
        return self.filter(overdue_unreported_q(today=today))

    def visible_to(self, user) -> MilestoneQuerySet:
        """Milestones of commitments the user may see (drafts: the secretariat only)."""
        if is_secretariat(user):
            return self
        return self.filter(commitment__in=Commitment.objects.published())

    def editable_by(self, user) -> MilestoneQuerySet:
        """Milestones whose status the user may change."""
        if is_secretariat(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(commitment__institution_roles__institution__staff=user).distinct()


class Milestone(Translatable):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=1000)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(
        _("start date"), null=True, blank=True, help_text=_("Month precision: the 1st.")
    )
    end = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Month precision: the 1st.")
    )
    responsible_institution = models.ForeignKey(
        "plans.Institution",
        verbose_name=_("responsible institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_milestones",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_REPORTED,
        db_index=True,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "number"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "number"],
                name="milestone_number_unique_in_commitment",
                violation_error_message=_(
                    "This commitment already has a milestone with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="milestone_ends_after_it_starts",
                violation_error_message=_("A milestone cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="milestone_number_from_one",
                violation_error_message=_("Milestone numbers start at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_overdue(self) -> bool:
        """Its end month has passed and it is not finished; computed, never typed."""
        return (
            self.end is not None
            and self.end < month_start()
            and self.status != MilestoneStatus.FINISHED
        )

    @property
    def is_overdue_unreported(self) -> bool:
        """Overdue and nobody has reported on it."""
        return self.is_overdue and self.status == MilestoneStatus.NOT_REPORTED

    @property
    def overdue_kind(self) -> str:
        """``unreported``, ``reported`` or empty when it is not overdue."""
        if not self.is_overdue:
            return ""
        if self.status == MilestoneStatus.NOT_REPORTED:
            return OverdueKind.UNREPORTED
        return OverdueKind.REPORTED


class MilestoneUpdateQuerySet(models.QuerySet):
    def published(self) -> MilestoneUpdateQuerySet:
        """Updates of public commitments, checked row by row (``Commitment.is_public``), so “the
        newest N” walks the date index and stops after N instead of first listing every visible
        milestone."""
        return self.filter(milestone__commitment__is_public=True)

    def visible_to(self, user) -> MilestoneUpdateQuerySet:
        """Updates of published commitments; the secretariat sees those of drafts too."""
        return self if is_secretariat(user) else self.published()


class MilestoneUpdate(models.Model):
    """One entry of a milestone's public history: a status change, a progress report or a
    correction of an earlier entry. Written only by ``commitments.services``; nobody edits or
    deletes it afterwards."""

    class Kind(models.TextChoices):
        STATUS_CHANGE = "status_change", _("Status change")
        PROGRESS_REPORT = "progress_report", _("Progress report")
        CORRECTION = "correction", _("Correction")

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(
        _("kind of entry"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.STATUS_CHANGE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True)
    happened_on = models.DateField(
        _("happened on"),
        null=True,
        blank=True,
        help_text=_(
            "When the reported fact happened, if not the day it is filed "
            "(for example the day a milestone was completed)."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_updates",
    )
    author_institution = models.ForeignKey(
        "plans.Institution",
        verbose_name=_("author’s institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_updates",
    )
    old_status = models.CharField(_("old status"), max_length=20, choices=MilestoneStatus.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=MilestoneStatus.choices)
    note = models.TextField(_("note"), blank=True)
    language = models.CharField(
        _("language of the note"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=active_language,
        help_text=_("The note is shown in the language it was written in."),
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The earlier entry of the same milestone this entry corrects."),
    )

    objects = MilestoneUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")
        # The newest entries first (home page, feeds, a milestone's history): read in order,
        # stopping at the first that show, however many share one time.
        indexes = [models.Index(fields=["-created_at", "-id"], name="update_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False)
                | (~Q(kind="correction") & Q(corrects__isnull=True)),
                name="milestone_update_correction_points_at_an_entry",
                violation_error_message=_("A correction points at the entry it corrects."),
            )
        ]

    def __str__(self) -> str:
        if self.old_status == self.new_status:
            return f"{self.milestone}: {self.get_kind_display()}"
        return (
            f"{self.milestone}: {self.get_old_status_display()} → {self.get_new_status_display()}"
        )

    @property
    def changes_status(self) -> bool:
        return self.old_status != self.new_status

    @property
    def happened_on_other_day(self) -> bool:
        """Whether the fact happened on another day than the entry was filed."""
        return self.happened_on is not None and self.happened_on != timezone.localdate(
            self.created_at
        )


def evidence_file_path(instance: EvidenceFile, filename: str) -> str:
    # The stored name never reuses the uploader's file name (kept, cleaned, in ``original_name``).
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"milestone-evidence/{instance.update.milestone_id}/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(models.Model):
    """A file filed with a history entry, kept outside public file serving."""

    update = models.ForeignKey(
        MilestoneUpdate,
        verbose_name=_("update"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=evidence_file_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "commitments:evidence_file", kwargs={"update_pk": self.update_id, "pk": self.pk}
        )


class EvidenceLink(models.Model):
    update = models.ForeignKey(
        MilestoneUpdate, verbose_name=_("update"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=1000)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title or self.url


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        """Comments the public may read."""
        return self.filter(status=Comment.Status.APPROVED)

    def on(self, obj: models.Model) -> CommentQuerySet:
        """Comments attached to ``obj`` (an action plan, a commitment, a report…)."""
        # Through the content type's natural key: one query, whether or not Django's cache of
        # content types is warm.
        meta = obj._meta
        return self.filter(
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
            object_id=obj.pk,
        )


class Comment(models.Model):
    """A citizen's reply on an action plan, a commitment or a report, shown once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("attached to (type)"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("attached to (id)"))
    target = GenericForeignKey("content_type", "object_id")
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), help_text=_("Never shown."))
    text = models.TextField(_("comment"), max_length=5000)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=active_language,
        help_text=_("The language of the page the comment was written on."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    follow_requested = models.BooleanField(
        _("wants to follow"),
        default=False,
        help_text=_("The commenter asked to follow the commitment by email once approved."),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_official = models.BooleanField(
        _("secretariat’s reply"),
        default=False,
        help_text=_("An official reply the secretariat published under a comment."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The secretariat member who wrote an official reply."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return _("%(name)s on %(target)s") % {"name": self.name, "target": self.target}


# Precomputed roll-ups and the public pages' version live in their own module.
from commitments.rollups import PublicVersion, Rollup  # noqa: E402, F401

"""Precomputed roll-ups: milestone counts of the site, each plan, member and institution.

Pages read one row per object instead of counting milestones at read time. A row holds, for
every milestone status, how many milestones end in each month (``months``: ``{status: {"YYYY-MM":
n}}``, ``""`` for no end date), so the totals per status, progress (finished over all), overdue
(end month passed, not finished) and “overdue without a report” are all read from it on any day,
and a new status needs no new column. Lists read none of it: each row also keeps the figures a
progress bar shows (not reported; overdue and overdue without a report in ``overdue_month``),
written with the histogram and brought to the new month by ``refresh_overdue_figures``
(``manage.py notify``); until then a list reads a row's histogram instead, so a figure is never
a month behind. Each plan also has a ``PlanHistory``: how many of its
milestones became finished, net, in each month of their recorded history, the line its progress
chart draws, so that no page reads a plan's whole history.

One writer: ``refresh_rollups`` recomputes the rows a change touches. Signals call it for every
save and delete of milestones, commitments, their institutions and plans, whatever path writes
(status service, admin, inlines, bulk actions, API, imports, commands); inside ``batched()`` the
work waits until the block ends (the request middleware batches each request), otherwise it runs
at once, in the writer's transaction. The same writer keeps each commitment's ``is_public``
flag (``refresh_public``), which public lists read. ``recompute_rollups`` rebuilds every row and
flag and reports drift.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections import defaultdict

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Lag, TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SITE, PLAN, MEMBER, INSTITUTION = "site", "plan", "member", "institution"
COUNT_FIELDS = ("n_plans", "n_commitments", "n_led", "n_supported", "n_milestones", "n_finished")
# What a progress bar shows besides the counts, from the histogram: not reported, and overdue
# (all, and without a report) in the month ``overdue_month``.
FIGURE_FIELDS = ("n_not_reported", "overdue_month", "n_overdue", "n_overdue_unreported")
HISTORY_FIELDS = ("finished_months", "n_finished_recorded")


class Rollup(models.Model):
    """The milestone counts of one plan, member or institution, or of the whole site."""

    class Scope(models.TextChoices):
        SITE = SITE, _("Whole portal")
        PLAN = PLAN, _("Action plan")
        MEMBER = MEMBER, _("Member")
        INSTITUTION = INSTITUTION, _("Institution")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    object_id = models.PositiveBigIntegerField(_("object"), default=0)
    n_plans = models.PositiveIntegerField(_("published plans"), default=0)
    n_commitments = models.PositiveIntegerField(_("published commitments"), default=0)
    n_led = models.PositiveIntegerField(_("commitments led"), default=0)
    n_supported = models.PositiveIntegerField(_("commitments supported"), default=0)
    n_milestones = models.PositiveIntegerField(_("milestones"), default=0)
    n_finished = models.PositiveIntegerField(_("finished milestones"), default=0)
    months = models.JSONField(_("milestones by status and end month"), default=dict)
    n_not_reported = models.PositiveIntegerField(_("milestones not reported"), default=0)
    overdue_month = models.CharField(
        _("month of the overdue figures"),
        max_length=7,
        blank=True,
        help_text=_("YYYY-MM: the month in which the two overdue figures hold."),
    )
    n_overdue = models.PositiveIntegerField(_("overdue milestones"), default=0)
    n_overdue_unreported = models.PositiveIntegerField(
        _("overdue milestones without a report"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        app_label = "commitments"
        verbose_name = _("roll-up")
        verbose_name_plural = _("roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["scope", "object_id"], name="rollup_one_per_object")
        ]
        # The largest members first (home page): read from the top, not every member's row.
        indexes = [models.Index(fields=["scope", "-n_commitments"], name="rollup_largest_first")]

    def __str__(self) -> str:
        return f"{self.scope} {self.object_id}"

    @property
    def tally(self) -> Tally:
        return Tally(self.months)


class PlanHistory(models.Model):
    """How many of a plan's milestones became finished, net, in each month of their recorded
    history (``finished_months``: ``{"YYYY-MM": change}``), and how many of those finished now
    the history shows finished: the progress line of the plan's page, kept with its roll-up."""

    plan = models.OneToOneField(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    finished_months = models.JSONField(
        _("change in finished milestones by month of their recorded history"), default=dict
    )
    n_finished_recorded = models.PositiveIntegerField(
        _("finished milestones whose recorded history ends finished"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        app_label = "commitments"
        verbose_name = _("progress history of a plan")
        verbose_name_plural = _("progress histories of plans")

    def __str__(self) -> str:
        return f"plan {self.plan_id}"


class PublicVersion(models.Model):
    """One row: bumped by every write that can change a public page, in the writer's transaction.

    Cached public pages are keyed by it (``ogptracker.pagecache``), so every app server sees a
    change at once, whatever its cache, and a page cached before a write is never served after.
    """

    version = models.PositiveBigIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        app_label = "commitments"
        verbose_name = _("public pages version")
        verbose_name_plural = _("public pages versions")

    def __str__(self) -> str:
        return str(self.version)


class Tally:
    """Reads a ``months`` histogram: counts per status, overdue on a given day."""

    def __init__(self, months: dict | None) -> None:
        self.months = months or {}

    def count(self, status: str) -> int:
        return sum(self.months.get(status, {}).values())

    @property
    def total(self) -> int:
        return sum(sum(by_month.values()) for by_month in self.months.values())

    def by_status(self) -> dict[str, int]:
        from commitments.models import MilestoneStatus

        return {status: self.count(status) for status in MilestoneStatus.values}

    def overdue(self, today: datetime.date | None = None, status: str | None = None) -> int:
        """Milestones whose end month has passed and that are not finished (of ``status``)."""
        from commitments.models import MilestoneStatus, month_start

        this_month = month_start(today).strftime("%Y-%m")
        return sum(
            n
            for state, by_month in self.months.items()
            if state != MilestoneStatus.FINISHED and (status is None or state == status)
            for month, n in by_month.items()
            if month and month < this_month
        )


def overdue_of(months: dict | None, today: datetime.date | None = None) -> int:
    return Tally(months).overdue(today)


def this_month(today: datetime.date | None = None) -> str:
    """ "YYYY-MM" of today's month (or ``today``'s), as ``overdue_month`` holds it."""
    from commitments.models import month_start

    return month_start(today).strftime("%Y-%m")


def figures(months: dict | None, today: datetime.date | None = None) -> dict:
    """The ``FIGURE_FIELDS`` of a row from its histogram, overdue as of ``today``'s month."""
    from commitments.models import MilestoneStatus

    tally = Tally(months)
    return {
        "n_not_reported": tally.count(MilestoneStatus.NOT_REPORTED),
        "overdue_month": this_month(today),
        "n_overdue": tally.overdue(today),
        "n_overdue_unreported": tally.overdue(today, status=MilestoneStatus.NOT_REPORTED),
    }


def refresh_overdue_figures(today: datetime.date | None = None) -> int:
    """Bring every row's overdue figures to this month (rows written in an earlier month); how
    many were. Nothing a page shows changes: until then, lists read those rows' histograms."""
    month = this_month(today)
    stale = Rollup.objects.exclude(overdue_month=month).order_by("pk").only("pk", "months")
    done = 0
    while True:
        rows = list(stale[:1000])
        if not rows:
            return done
        for row in rows:
            for name, value in figures(row.months, today).items():
                setattr(row, name, value)
        Rollup.objects.bulk_update(rows, list(FIGURE_FIELDS))
        done += len(rows)


# Recounting ------------------------------------------------------------------------------------


def _histogram(milestones) -> dict:
    months: dict = defaultdict(dict)
    rows = milestones.order_by().values("status", "end").annotate(n=Count("pk"))
    for row in rows:
        key = row["end"].strftime("%Y-%m") if row["end"] else ""
        by_month = months[row["status"]]
        by_month[key] = by_month.get(key, 0) + row["n"]
    return dict(months)


def _milestones_of(commitments):
    from commitments.models import Milestone

    return Milestone.objects.filter(commitment__in=commitments.order_by().values("pk"))


def finished_history(milestones) -> list[tuple[int, str, int, int]]:
    """How many of ``milestones`` became finished, net, in each month of their recorded history:
    (commitment id, "YYYY-MM", change, change among those finished now), one row per commitment
    and month that changed, from one aggregate query.

    Each milestone's entries are taken in the order their facts happened (the day it happened,
    else the day it was filed; filing order breaks ties): an entry that makes it finished counts
    +1, one that ends a finished spell −1.
    """
    from commitments.models import MilestoneStatus, MilestoneUpdate

    finished = Case(
        When(new_status=MilestoneStatus.FINISHED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    history = (
        MilestoneUpdate.objects.filter(milestone__in=milestones.order_by().values("pk"))
        .order_by()
        .annotate(day=Coalesce("happened_on", TruncDate("created_at")))
        .annotate(
            commitment_pk=F("milestone__commitment_id"),
            month_index=ExtractYear("day") * 12 + ExtractMonth("day") - 1,
            change=finished
            - Window(
                Lag(finished, default=Value(0)),
                partition_by=F("milestone_id"),
                order_by=[F("day").asc(), F("created_at").asc(), F("pk").asc()],
            ),
            still=Case(
                When(milestone__status=MilestoneStatus.FINISHED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .values("commitment_pk", "month_index", "change", "still")
    )
    sql, params = history.query.sql_with_params()
    # The ORM cannot sum over a window function: the sums wrap the query it wrote.
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "commitment_pk", "month_index", SUM("change"), SUM("change" * "still") '
            f'FROM ({sql}) history WHERE "change" <> 0 GROUP BY "commitment_pk", "month_index"',
            params,
        )
        rows = cursor.fetchall()
    return [
        (pk, f"{int(index) // 12:04d}-{int(index) % 12 + 1:02d}", int(change), int(still))
        for pk, index, change, still in rows
    ]


def _history_values(rows) -> dict:
    """A plan's ``finished_months`` and ``n_finished_recorded`` from ``finished_history`` rows."""
    months: dict[str, int] = defaultdict(int)
    recorded = 0
    for _commitment, month, change, still in rows:
        months[month] += change
        recorded += still
    return {
        "finished_months": {month: n for month, n in sorted(months.items()) if n},
        "n_finished_recorded": recorded,
    }


def count_site() -> dict:
    from commitments.models import Commitment
    from plans.models import ActionPlan

    commitments = Commitment.objects.published()
    months = _histogram(_milestones_of(commitments))
    return {
        "n_plans": ActionPlan.objects.published().count(),
        "n_commitments": commitments.count(),
        "months": months,
    }


def count_plan(pk: int) -> dict:
    from commitments.models import Commitment

    commitments = Commitment.objects.filter(action_plans=pk, is_published=True)
    return {"n_commitments": commitments.count(), "months": _histogram(_milestones_of(commitments))}


def count_plan_history(pk: int) -> dict:
    from commitments.models import Commitment

    commitments = Commitment.objects.filter(action_plans=pk, is_published=True)
    return _history_values(finished_history(_milestones_of(commitments)))


def count_member(pk: int) -> dict:
    from commitments.models import Commitment
    from plans.models import ActionPlan

    plans = ActionPlan.objects.published().of_member(pk)
    plan_ids = plans.order_by().values("pk")
    commitments = Commitment.objects.filter(
        pk__in=Commitment.action_plans.through.objects.filter(actionplan_id__in=plan_ids).values(
            "commitment_id"
        ),
        is_published=True,
    )
    return {
        "n_plans": plans.count(),
        "n_commitments": commitments.count(),
        "months": _histogram(_milestones_of(commitments)),
    }


def count_institution(pk: int) -> dict:
    return count_institutions([pk])[pk]


COUNTERS = {
    SITE: count_site,
    PLAN: count_plan,
    MEMBER: count_member,
    INSTITUTION: count_institution,
}


def _values(scope: str, object_id: int) -> dict:
    counted = COUNTERS[scope]() if scope == SITE else COUNTERS[scope](object_id)
    months = counted.pop("months")
    tally = Tally(months)
    from commitments.models import MilestoneStatus

    values = dict.fromkeys(COUNT_FIELDS, 0)
    values.update(counted)
    values.update(
        months=months, n_milestones=tally.total, n_finished=tally.count(MilestoneStatus.FINISHED)
    )
    values.update(figures(months))
    return values


def _exists(scope: str, object_id: int) -> bool:
    from django.apps import apps

    model = {PLAN: "plans.ActionPlan", MEMBER: "plans.Member", INSTITUTION: "plans.Institution"}
    if scope == SITE:
        return True
    return apps.get_model(model[scope])._default_manager.filter(pk=object_id).exists()


def recompute(scope: str, object_id: int = 0) -> Rollup | None:
    """Recount one row from the milestones and store it; its object gone, drop the row."""
    if not _exists(scope, object_id):
        Rollup.objects.filter(scope=scope, object_id=object_id).delete()
        return None
    rollup, _created = Rollup.objects.update_or_create(
        scope=scope, object_id=object_id, defaults=_values(scope, object_id)
    )
    if scope == PLAN:
        PlanHistory.objects.update_or_create(
            plan_id=object_id, defaults=count_plan_history(object_id)
        )
    return rollup


def count_institutions(ids) -> dict[int, dict]:
    """``_values(INSTITUTION, pk)`` of many institutions at once, from two grouped queries."""
    from commitments.models import CommitmentInstitution, Milestone, MilestoneStatus

    ids = sorted(set(ids))
    counted = {pk: {"n_led": 0, "n_supported": 0, "months": defaultdict(dict)} for pk in ids}
    roles = (
        CommitmentInstitution.objects.filter(institution_id__in=ids, commitment__is_public=True)
        .order_by()
        .values_list("institution_id", "role")
        .annotate(n=Count("pk"))
    )
    names = {
        CommitmentInstitution.Role.LEAD: "n_led",
        CommitmentInstitution.Role.SUPPORTING: "n_supported",
    }
    for pk, role, n in roles:
        if role in names:
            counted[pk][names[role]] = n
    # One role per commitment and institution: no milestone is counted twice for one.
    milestones = (
        Milestone.objects.filter(
            commitment__is_public=True, commitment__institution_roles__institution_id__in=ids
        )
        .order_by()
        .values_list("commitment__institution_roles__institution_id", "status", "end")
        .annotate(n=Count("pk"))
    )
    for pk, status, end, n in milestones:
        key = end.strftime("%Y-%m") if end else ""
        by_month = counted[pk]["months"][status]
        by_month[key] = by_month.get(key, 0) + n
    values = {}
    for pk, row in counted.items():
        months = {status: dict(by_month) for status, by_month in row.pop("months").items()}
        tally = Tally(months)
        values[pk] = {
            **dict.fromkeys(COUNT_FIELDS, 0),
            **row,
            "months": months,
            "n_milestones": tally.total,
            "n_finished": tally.count(MilestoneStatus.FINISHED),
            **figures(months),
        }
    return values


def recompute_institutions(ids) -> None:
    """``recompute(INSTITUTION, pk)`` for many institutions, in a few queries whatever their
    number: their rows counted together, then written in bulk; rows of institutions gone are
    dropped."""
    from plans.models import Institution

    ids = set(ids)
    if not ids:
        return
    existing = set(Institution.objects.filter(pk__in=ids).values_list("pk", flat=True))
    Rollup.objects.filter(scope=INSTITUTION, object_id__in=ids - existing).delete()
    values = count_institutions(existing)
    stored = {
        row.object_id: row
        for row in Rollup.objects.filter(scope=INSTITUTION, object_id__in=existing)
    }
    changed, new, now = [], [], timezone.now()
    for pk, counted in values.items():
        row = stored.get(pk)
        if row is None:
            new.append(Rollup(scope=INSTITUTION, object_id=pk, **counted))
            continue
        for name, value in counted.items():
            setattr(row, name, value)
        row.updated_at = now
        changed.append(row)
    Rollup.objects.bulk_create(new, batch_size=1000)
    Rollup.objects.bulk_update(
        changed, ["months", *COUNT_FIELDS, *FIGURE_FIELDS, "updated_at"], batch_size=1000
    )


# What a change touches ---------------------------------------------------------------------------

_state = threading.local()


def _pending() -> set | None:
    return getattr(_state, "pending", None)


COMMITMENT, PLANS_OF = "commitment", "plans-of"


def refresh_rollups(keys=(), *, commitments=(), plans=()) -> None:
    """Recompute the rows a change touched, now or, inside ``batched()``, when the batch ends.

    ``keys`` are (scope, id) pairs; ``commitments`` and ``plans`` are ids whose site, plans,
    members and institutions are looked up when the work runs, so rows linked later in the same
    batch (an import adding institutions after saving the commitment) count too.
    """
    work = set(keys)
    work |= {(COMMITMENT, pk) for pk in commitments if pk}
    work |= {(PLANS_OF, pk) for pk in plans if pk}
    if not work:
        return
    pending = _pending()
    if pending is not None:
        pending.update(work)
        return
    commitment_ids = [pk for scope, pk in work if scope == COMMITMENT]
    plan_ids = [pk for scope, pk in work if scope == PLANS_OF]
    keys = {key for key in work if key[0] not in {COMMITMENT, PLANS_OF}}
    keys |= keys_for_commitments(commitment_ids)
    keys |= keys_for_plans(plan_ids)
    with transaction.atomic():
        refresh_public(commitment_ids, plan_ids)
        institutions = sorted(pk for scope, pk in keys if scope == INSTITUTION)
        for scope, object_id in sorted(keys):
            if scope != INSTITUTION:
                recompute(scope, object_id)
        # A large plan touches hundreds of institutions: counted together, in a few queries.
        recompute_institutions(institutions)
    _bump()


def refresh_public(commitment_ids=(), plan_ids=()) -> int:
    """Set ``Commitment.is_public`` to ``public_rule()`` for these commitments and those of
    these plans; return how many changed. Only rows whose flag differs are written."""
    from commitments.models import Commitment, public_rule

    through = Commitment.action_plans.through
    chosen = models.Q(pk__in=[pk for pk in commitment_ids if pk])
    plan_ids = [pk for pk in plan_ids if pk]
    if plan_ids:
        chosen |= models.Q(
            pk__in=through.objects.filter(actionplan_id__in=plan_ids).values("commitment_id")
        )
    commitments = Commitment.objects.filter(chosen)
    rule = public_rule()
    shown = commitments.filter(rule, is_public=False).update(is_public=True)
    hidden = commitments.filter(is_public=True).exclude(rule).update(is_public=False)
    return shown + hidden


def recompute_public(*, fix: bool = True) -> list[tuple[str, int, str]]:
    """Compare every commitment's ``is_public`` with ``public_rule()``; return those that
    differed ("commitment", id, what) and, if ``fix``, correct them."""
    from commitments.models import Commitment, public_rule

    rule = public_rule()
    hidden = list(Commitment.objects.filter(rule, is_public=False).values_list("pk", flat=True))
    shown = list(
        Commitment.objects.filter(is_public=True).exclude(rule).values_list("pk", flat=True)
    )
    drift = [("commitment", pk, "public, but not shown") for pk in hidden]
    drift += [("commitment", pk, "shown, but not public") for pk in shown]
    if fix and drift:
        with transaction.atomic():
            Commitment.objects.filter(pk__in=hidden).update(is_public=True)
            Commitment.objects.filter(pk__in=shown).update(is_public=False)
            _bump()
    return sorted(drift, key=lambda row: row[1])


def _bump() -> None:
    # Cached public pages show roll-ups: a new figure is a new page.
    from ogptracker import pagecache

    pagecache.bump()


@contextlib.contextmanager
def batched():
    """Collect the roll-ups the writes in the block touch and recompute each once at its end."""
    if _pending() is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        keys = _state.pending
    finally:
        _state.pending = None
    refresh_rollups(keys)


def keys_for_commitments(commitment_ids) -> set:
    """The site, and the plans, members and institutions of these commitments."""
    from commitments.models import Commitment, CommitmentInstitution

    ids = [pk for pk in commitment_ids if pk]
    if not ids:
        return set()
    through = Commitment.action_plans.through
    plan_ids = set(
        through.objects.filter(commitment_id__in=ids).values_list("actionplan_id", flat=True)
    )
    keys = {(SITE, 0)} | keys_for_plans(plan_ids, with_institutions=False)
    keys |= {
        (INSTITUTION, pk)
        for pk in CommitmentInstitution.objects.filter(commitment_id__in=ids).values_list(
            "institution_id", flat=True
        )
    }
    return keys


def keys_for_plans(plan_ids, *, with_institutions: bool = True) -> set:
    """The site, the plans, their members (lead and consortium) and, optionally, institutions."""
    from commitments.models import Commitment, CommitmentInstitution
    from plans.models import ActionPlan

    plan_ids = {pk for pk in plan_ids if pk}
    if not plan_ids:
        return set()
    keys = {(SITE, 0)} | {(PLAN, pk) for pk in plan_ids}
    keys |= {
        (MEMBER, pk)
        for pk in ActionPlan.objects.filter(pk__in=plan_ids).values_list("member_id", flat=True)
    }
    keys |= {
        (MEMBER, pk)
        for pk in ActionPlan.consortium_members.through.objects.filter(
            actionplan_id__in=plan_ids
        ).values_list("member_id", flat=True)
    }
    if with_institutions:
        commitments = Commitment.action_plans.through.objects.filter(actionplan_id__in=plan_ids)
        keys |= {
            (INSTITUTION, pk)
            for pk in CommitmentInstitution.objects.filter(
                commitment_id__in=commitments.values("commitment_id")
            )
            .values_list("institution_id", flat=True)
            .distinct()
        }
    return keys


# Signals ---------------------------------------------------------------------------------------


def _milestone_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh_rollups(
        commitments={instance.commitment_id, getattr(instance, "_rollup_old_commitment", None)}
    )


def _milestone_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    from commitments.models import Milestone

    instance._rollup_old_commitment = (
        Milestone.objects.filter(pk=instance.pk).values_list("commitment_id", flat=True).first()
    )


def _remember(instance, keys) -> None:
    instance._rollup_keys = keys


def _milestone_deleted(sender, instance, **kwargs):
    refresh_rollups(commitments=[instance.commitment_id])


def _update_saved(sender, instance, raw=False, **kwargs):
    # An entry can move a finish to another month without changing a status (a correction, a
    # report of when it happened): the progress history of the milestone's plans is recounted.
    if raw:
        return
    from commitments.models import Commitment

    plan_ids = Commitment.action_plans.through.objects.filter(
        commitment__milestones=instance.milestone_id
    ).values_list("actionplan_id", flat=True)
    refresh_rollups({(PLAN, pk) for pk in plan_ids})


def _commitment_before_delete(sender, instance, **kwargs):
    _remember(instance, keys_for_commitments([instance.pk]))


def _commitment_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    keys = getattr(instance, "_rollup_keys", None)
    if keys is not None:  # deleted: its links are gone, the keys were taken before
        refresh_rollups(keys)
    else:
        refresh_rollups(commitments=[instance.pk])


def _commitment_plans_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"pre_clear", "post_add", "post_remove", "post_clear"}:
        return
    if action == "pre_clear":
        # Which plans and commitments are about to part: gone from the table after the clear.
        if reverse:
            ids = list(instance.commitments.values_list("pk", flat=True))
            keys = keys_for_commitments(ids) | keys_for_plans([instance.pk])
        else:
            ids = [instance.pk]
            keys = keys_for_commitments(ids)
        _remember(instance, keys | {(COMMITMENT, pk) for pk in ids})
        return
    if action == "post_clear":
        refresh_rollups(getattr(instance, "_rollup_keys", set()))
        return
    if reverse:  # plan.commitments.add(...)
        refresh_rollups(commitments=pk_set or (), plans=[instance.pk])
    else:
        refresh_rollups(commitments=[instance.pk], plans=pk_set or ())


def _role_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    keys = {(INSTITUTION, instance.institution_id)}
    old = getattr(instance, "_rollup_old_institution", None)
    if old and old != instance.institution_id:
        keys.add((INSTITUTION, old))
    refresh_rollups(keys)


def _role_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._rollup_old_institution = (
        sender.objects.filter(pk=instance.pk).values_list("institution_id", flat=True).first()
    )


def _plan_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._rollup_old_member = (
        sender.objects.filter(pk=instance.pk).values_list("member_id", flat=True).first()
    )


def _plan_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_rollup_old_member", None)
    refresh_rollups({(MEMBER, old)} if old else (), plans=[instance.pk])


def _plan_before_delete(sender, instance, **kwargs):
    # Its commitments may stop being public when its links are gone.
    from commitments.models import Commitment

    ids = Commitment.action_plans.through.objects.filter(actionplan_id=instance.pk).values_list(
        "commitment_id", flat=True
    )
    _remember(instance, keys_for_plans([instance.pk]) | {(COMMITMENT, pk) for pk in ids})


def _plan_deleted(sender, instance, **kwargs):
    refresh_rollups(getattr(instance, "_rollup_keys", set()) | {(PLAN, instance.pk)})


def _consortium_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        _remember(instance, _consortium_keys(instance, reverse, None))
    elif action == "post_clear":
        refresh_rollups(getattr(instance, "_rollup_keys", set()))
    elif action in {"post_add", "post_remove"}:
        refresh_rollups(_consortium_keys(instance, reverse, pk_set))


def _consortium_keys(instance, reverse, pk_set) -> set:
    if reverse:  # member.consortium_plans.add(plan…)
        plan_ids = (
            pk_set if pk_set is not None else instance.consortium_plans.values_list("pk", flat=True)
        )
        return keys_for_plans(plan_ids) | {(MEMBER, instance.pk)}
    members = (
        pk_set if pk_set is not None else instance.consortium_members.values_list("pk", flat=True)
    )
    return keys_for_plans([instance.pk]) | {(MEMBER, pk) for pk in members}


def _object_created(scope):
    def handler(sender, instance, raw=False, created=False, **kwargs):
        if created and not raw:
            refresh_rollups({(scope, instance.pk)})

    return handler


def _object_deleted(scope):
    def handler(sender, instance, **kwargs):
        Rollup.objects.filter(scope=scope, object_id=instance.pk).delete()

    return handler


_member_created = _object_created(MEMBER)
_institution_created = _object_created(INSTITUTION)
_member_deleted = _object_deleted(MEMBER)
_institution_deleted = _object_deleted(INSTITUTION)


def connect() -> None:
    """Keep every roll-up current on every save and delete, whatever path writes."""
    from commitments.models import Commitment
    from plans.models import ActionPlan

    pre_save.connect(_milestone_before_save, sender="commitments.Milestone")
    post_save.connect(_milestone_saved, sender="commitments.Milestone")
    post_delete.connect(_milestone_deleted, sender="commitments.Milestone")
    post_save.connect(_update_saved, sender="commitments.MilestoneUpdate")
    pre_delete.connect(_commitment_before_delete, sender="commitments.Commitment")
    post_save.connect(_commitment_changed, sender="commitments.Commitment")
    post_delete.connect(_commitment_changed, sender="commitments.Commitment")
    m2m_changed.connect(_commitment_plans_changed, sender=Commitment.action_plans.through)
    pre_save.connect(_role_before_save, sender="commitments.CommitmentInstitution")
    post_save.connect(_role_changed, sender="commitments.CommitmentInstitution")
    post_delete.connect(_role_changed, sender="commitments.CommitmentInstitution")
    pre_save.connect(_plan_before_save, sender="plans.ActionPlan")
    post_save.connect(_plan_saved, sender="plans.ActionPlan")
    pre_delete.connect(_plan_before_delete, sender="plans.ActionPlan")
    post_delete.connect(_plan_deleted, sender="plans.ActionPlan")
    m2m_changed.connect(_consortium_changed, sender=ActionPlan.consortium_members.through)
    post_save.connect(_member_created, sender="plans.Member")
    post_save.connect(_institution_created, sender="plans.Institution")
    post_delete.connect(_member_deleted, sender="plans.Member")
    post_delete.connect(_institution_deleted, sender="plans.Institution")


# Everything at once ------------------------------------------------------------------------------


def all_keys() -> list[tuple[str, int]]:
    from plans.models import ActionPlan, Institution, Member

    keys = [(SITE, 0)]
    keys += [(PLAN, pk) for pk in ActionPlan.objects.order_by("pk").values_list("pk", flat=True)]
    keys += [(MEMBER, pk) for pk in Member.objects.order_by("pk").values_list("pk", flat=True)]
    keys += [
        (INSTITUTION, pk) for pk in Institution.objects.order_by("pk").values_list("pk", flat=True)
    ]
    return keys


def count_everything() -> dict[tuple[str, int], dict]:
    """Every row's values from a handful of grouped queries (the same rules as ``count_*``)."""
    from commitments.models import Commitment, CommitmentInstitution, Milestone, MilestoneStatus
    from plans.models import ActionPlan

    published_plan = ActionPlan.Status.PUBLISHED
    histograms: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    rows = (
        Milestone.objects.filter(commitment__is_published=True)
        .order_by()
        .values_list("commitment_id", "status", "end")
        .annotate(n=Count("pk"))
    )
    for commitment_id, status, end, n in rows:
        key = end.strftime("%Y-%m") if end else ""
        by_month = histograms[commitment_id][status]
        by_month[key] = by_month.get(key, 0) + n
    plans = {
        pk: (member, status)
        for pk, member, status in ActionPlan.objects.values_list("pk", "member_id", "status")
    }
    consortium = defaultdict(set)
    for plan_id, member_id in ActionPlan.consortium_members.through.objects.values_list(
        "actionplan_id", "member_id"
    ):
        consortium[plan_id].add(member_id)
    plan_commitments: dict[int, set] = defaultdict(set)
    member_commitments: dict[int, set] = defaultdict(set)
    member_plans: dict[int, set] = defaultdict(set)
    public: set = set()
    links = Commitment.action_plans.through.objects.filter(
        commitment__is_published=True
    ).values_list("commitment_id", "actionplan_id")
    for commitment_id, plan_id in links:
        plan_commitments[plan_id].add(commitment_id)
        member_id, status = plans[plan_id]
        if status == published_plan:
            public.add(commitment_id)
            for owner in {member_id, *consortium[plan_id]}:
                member_commitments[owner].add(commitment_id)
    for plan_id, (member_id, status) in plans.items():
        if status == published_plan:
            for owner in {member_id, *consortium[plan_id]}:
                member_plans[owner].add(plan_id)
    led: dict[int, int] = defaultdict(int)
    supported: dict[int, int] = defaultdict(int)
    institution_commitments: dict[int, set] = defaultdict(set)
    roles = CommitmentInstitution.objects.values_list("commitment_id", "institution_id", "role")
    for commitment_id, institution_id, role in roles:
        if commitment_id not in public:
            continue
        institution_commitments[institution_id].add(commitment_id)
        if role == CommitmentInstitution.Role.LEAD:
            led[institution_id] += 1
        elif role == CommitmentInstitution.Role.SUPPORTING:
            supported[institution_id] += 1

    def merge(commitment_ids) -> dict:
        months: dict = defaultdict(dict)
        for commitment_id in commitment_ids:
            for status, by_month in histograms.get(commitment_id, {}).items():
                target = months[status]
                for month, n in by_month.items():
                    target[month] = target.get(month, 0) + n
        return dict(months)

    def values(months, **counts) -> dict:
        tally = Tally(months)
        result = dict.fromkeys(COUNT_FIELDS, 0)
        result.update(counts)
        result.update(
            months=months,
            n_milestones=tally.total,
            n_finished=tally.count(MilestoneStatus.FINISHED),
            **figures(months),
        )
        return result

    everything = {
        (SITE, 0): values(
            merge(public),
            n_plans=sum(1 for _m, status in plans.values() if status == published_plan),
            n_commitments=len(public),
        )
    }
    for plan_id in plans:
        ids = plan_commitments.get(plan_id, set())
        everything[(PLAN, plan_id)] = values(merge(ids), n_commitments=len(ids))
    for key in all_keys():
        scope, object_id = key
        if scope == MEMBER:
            ids = member_commitments.get(object_id, set())
            everything[key] = values(
                merge(ids),
                n_plans=len(member_plans.get(object_id, ())),
                n_commitments=len(ids),
            )
        elif scope == INSTITUTION:
            everything[key] = values(
                merge(institution_commitments.get(object_id, ())),
                n_led=led.get(object_id, 0),
                n_supported=supported.get(object_id, 0),
            )
    return everything


def recompute_all(*, fix: bool = True) -> list[tuple[str, int, str]]:
    """Recount every row; return those that differed (scope, id, what) and, if ``fix``, store."""
    drift = []
    month = this_month()
    stored = {(r.scope, r.object_id): r for r in Rollup.objects.all()}
    new, changed = [], []
    for (scope, object_id), values in count_everything().items():
        row = stored.pop((scope, object_id), None)
        if row is None:
            drift.append((scope, object_id, "missing"))
            new.append(Rollup(scope=scope, object_id=object_id, **values))
            continue
        differs = [name for name, value in values.items() if getattr(row, name) != value]
        behind = row.overdue_month != month
        if behind:
            # Figures of an earlier month are behind, not wrong: brought to this one quietly.
            differs = [name for name in differs if name not in FIGURE_FIELDS]
        if differs:
            drift.append((scope, object_id, ", ".join(differs)))
        if differs or behind:
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    for key in stored:
        drift.append((*key, "orphan"))
    if fix:
        with transaction.atomic():
            Rollup.objects.bulk_create(new, batch_size=1000)
            Rollup.objects.bulk_update(
                changed, ["months", *COUNT_FIELDS, *FIGURE_FIELDS], batch_size=1000
            )
            if stored:
                Rollup.objects.filter(pk__in=[row.pk for row in stored.values()]).delete()
            if drift:
                _bump()
    return drift


def recompute_histories(*, fix: bool = True) -> list[tuple[str, int, str]]:
    """Recount every plan's progress history from one aggregate query of the whole history;
    return those that differed ("plan history", id, what) and, if ``fix``, store them.

    Apart from ``recompute_all`` because the migrations that recount the roll-ups run before
    this table exists.
    """
    from commitments.models import Commitment, Milestone
    from plans.models import ActionPlan

    by_commitment: dict[int, list] = defaultdict(list)
    for row in finished_history(Milestone.objects.filter(commitment__is_published=True)):
        by_commitment[row[0]].append(row)
    plan_commitments: dict[int, set] = defaultdict(set)
    links = Commitment.action_plans.through.objects.filter(
        commitment__is_published=True
    ).values_list("commitment_id", "actionplan_id")
    for commitment_id, plan_id in links:
        plan_commitments[plan_id].add(commitment_id)
    stored = {row.plan_id: row for row in PlanHistory.objects.all()}
    drift, new, changed = [], [], []
    for plan_id in ActionPlan.objects.order_by("pk").values_list("pk", flat=True):
        values = _history_values(
            row for pk in plan_commitments.get(plan_id, ()) for row in by_commitment.get(pk, ())
        )
        row = stored.get(plan_id)
        if row is None:
            drift.append(("plan history", plan_id, "missing"))
            new.append(PlanHistory(plan_id=plan_id, **values))
            continue
        differs = [name for name, value in values.items() if getattr(row, name) != value]
        if differs:
            drift.append(("plan history", plan_id, ", ".join(differs)))
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    if fix:
        with transaction.atomic():
            PlanHistory.objects.bulk_create(new, batch_size=1000)
            PlanHistory.objects.bulk_update(changed, list(HISTORY_FIELDS), batch_size=1000)
            if drift:
                _bump()
    return drift


def today() -> datetime.date:
    return timezone.localdate()

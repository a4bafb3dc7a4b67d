"""Charts the server draws as inline SVG: each chart's data and geometry as plain objects.

The templates under ``templates/charts/`` turn these objects into an SVG picture followed by a
table with the same numbers; nothing here writes markup. Every coordinate is a string already:
a page in Spanish would otherwise print "12,5" into an SVG attribute.

Statuses come from ``MilestoneStatus`` choices, never from a list written here, so a status added
to the model appears in every chart (with a fallback colour and mark until the stylesheet names
it). Every chart is bounded: rows beyond a limit are summarised with a link to the rest, and the
months of an axis are clamped around the plan's period.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lag, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commitments.models import (
    Commitment,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    overdue_milestones_q,
)
from commitments.rollups import PlanHistory, Rollup, Tally
from plans.models import SubqueryCount

WIDTH = 640
GANTT_MAX_ROWS = 80  # commitments drawn on a plan's chart; the rest are linked
GANTT_MAX_BARS = 400  # milestones drawn on a plan's chart: rows stop before they exceed it
PERIODS_MAX_ROWS = 20  # plans drawn on one time axis
MAX_LANES = 6  # overlapping milestones of one commitment stacked at most this deep
MAX_MONTHS_AROUND = 60  # an axis reaches at most five years before or after a plan's period
TIMELINE_MAX_ROWS = 40  # milestones drawn on a commitment's timeline; the list has them all
TITLE_CHARS = 80  # a milestone's title in the timeline (the table has it whole)
LABEL_CHARS = 30  # a commitment's or plan's title beside its bars

# A mark for every status besides its colour, so no status is told by colour alone.
# Statuses missing here (added to the model later) get the fallback mark and pattern.
SYMBOLS = {
    "finished": "✓",
    "in_progress": "◐",
    "stuck": "■",
    "incomplete": "✕",
    "not_reported": "?",
}
FALLBACK_SYMBOL = "○"
PATTERNS = {
    "finished": "solid",
    "in_progress": "stripes",
    "stuck": "cross",
    "not_started": "hollow",
    "incomplete": "dots",
    "not_reported": "dashes",
}
FALLBACK_PATTERN = "dashes"


# Numbers and dates ---------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate for an SVG attribute: at most one decimal, a dot, never localised."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(day: datetime.date) -> str:
    """A month as OGP writes it (“Feb 2022”), in the page's language."""
    return formats.date_format(day, "M Y")


def short_date(day: datetime.date | None) -> str:
    """A milestone date as the commitment page shows it: MM/YYYY (digits in every language)."""
    return f"{day.month:02d}/{day.year}" if day else "—"


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def months_phrase(months: int) -> str:
    return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}


# Statuses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusStyle:
    code: str
    label: str
    symbol: str
    pattern: str


def status_styles() -> list[StatusStyle]:
    """Every milestone status, in the model's order, with its mark and pattern."""
    return [
        StatusStyle(
            code,
            str(label),
            SYMBOLS.get(code, FALLBACK_SYMBOL),
            PATTERNS.get(code, FALLBACK_PATTERN),
        )
        for code, label in MilestoneStatus.choices
    ]


def present_styles(codes) -> list[StatusStyle]:
    """The styles of the statuses a chart draws: a legend explains only what is there."""
    codes = set(codes)
    return [style for style in status_styles() if style.code in codes]


def status_style(code: str) -> StatusStyle:
    for style in status_styles():
        if style.code == code:
            return style
    return StatusStyle(code, code, FALLBACK_SYMBOL, FALLBACK_PATTERN)


# The time axis ---------------------------------------------------------------------------------


@dataclass
class Tick:
    x: str
    label: str
    label_x: str


class TimeAxis:
    """Months from ``first`` to ``last`` (both included) spread between ``left`` and ``right``."""

    def __init__(self, first: datetime.date, last: datetime.date, left: float, right: float):
        self.first = month_index(first)
        self.months = max(month_index(last) - self.first + 1, 1)
        self.left, self.right = left, right

    @property
    def last(self) -> int:
        return self.first + self.months - 1

    def at(self, index: float) -> float:
        return self.left + (index - self.first) * (self.right - self.left) / self.months

    def start_of(self, day: datetime.date) -> float:
        return self.at(min(max(month_index(day), self.first), self.last + 1))

    def end_of(self, day: datetime.date) -> float:
        return self.at(min(max(month_index(day) + 1, self.first), self.last + 1))

    def middle_of(self, day: datetime.date) -> float:
        return self.at(min(max(month_index(day), self.first), self.last) + 0.5)

    def contains(self, day: datetime.date) -> bool:
        return self.first <= month_index(day) <= self.last

    def ticks(self) -> list[Tick]:
        step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if self.months / s <= 7), 120)
        ticks = []
        for index in range(self.first, self.last + 2):
            if step < 12:
                on_tick = index % step == 0
            else:
                on_tick = index % 12 == 0 and (index // 12) % (step // 12) == 0
            if not on_tick:
                continue
            x = self.at(index)
            day = month_of(index)
            label = str(day.year) if step >= 12 else month_label(day)
            # The last tick's label would leave the picture: the line alone says enough.
            shown = label if x <= self.right - 48 else ""
            ticks.append(Tick(num(x), shown, num(x + 3)))
        return ticks


def clamp_range(
    first: datetime.date, last: datetime.date, days: Iterable[datetime.date | None]
) -> tuple[datetime.date, datetime.date]:
    """The months from ``first`` to ``last`` widened to ``days``, at most five years either way."""
    low, high = month_index(first), month_index(last)
    floor, ceiling = low - MAX_MONTHS_AROUND, high + MAX_MONTHS_AROUND
    for day in days:
        if day is None:
            continue
        index = min(max(month_index(day), floor), ceiling)
        low, high = min(low, index), max(high, index)
    return month_of(low), month_of(high)


@dataclass
class TodayLine:
    x: str
    label: str
    label_x: str
    anchor: str


def today_line(axis: TimeAxis, today: datetime.date) -> TodayLine | None:
    if not axis.contains(today):
        return None
    x = axis.middle_of(today)
    anchor = "end" if x > axis.right - 60 else "start"
    return TodayLine(num(x), _("Today"), num(x - 3 if anchor == "end" else x + 3), anchor)


# A commitment's milestones ---------------------------------------------------------------------


@dataclass
class TimelineRow:
    number: int
    title: str
    lang: str  # the title's language when it is not the page's, else ""
    full_title: object  # a ``Shown`` text for the table
    style: StatusStyle
    start: str
    end: str
    verdict: str
    finished_on: str
    late: bool
    overdue: bool
    label_y: str = ""
    status_y: str = ""
    bar_y: str = ""
    bar_x: str = ""
    bar_width: str = ""
    done_x: str = ""
    done_y: str = ""
    gap_x1: str = ""
    gap_x2: str = ""
    gap_y: str = ""
    text_y: str = ""
    no_dates: bool = False


@dataclass
class Chart:
    """What every chart template needs: an id for its title and description, and both texts."""

    id: str
    title: str
    description: str
    height: str = "0"
    width: str = str(WIDTH)
    ticks: list[Tick] = field(default_factory=list)
    today: TodayLine | None = None
    statuses: list[StatusStyle] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def finishing_entries(updates: QuerySet) -> QuerySet:
    """The entries of ``updates`` that made their milestone finished, each with ``day``: when it
    happened (else the day it was filed).

    A milestone's entries are taken in the order their facts happened, filing order breaking
    ties, as the plan's progress line counts them (``rollups.finished_history``): an entry that
    finds the milestone already finished (a progress report, a correction) starts nothing, and a
    correction that says the finish happened earlier moves it there.
    """
    finished = Case(
        When(new_status=MilestoneStatus.FINISHED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        updates.order_by()
        .annotate(day=Coalesce("happened_on", TruncDate("created_at")))
        .annotate(
            starts=finished
            - Window(
                Lag(finished, default=Value(0)),
                partition_by=F("milestone_id"),
                order_by=[F("day").asc(), F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(starts=1)
    )


def with_finishing_dates(milestones: QuerySet) -> QuerySet:
    """``milestones`` each with ``finished_on``: the day it was last finished by its recorded
    history, whatever page of the history a page shows, read in the same query."""
    last = finishing_entries(MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))).order_by(
        "-day", "-created_at", "-pk"
    )
    return milestones.annotate(finished_on=Subquery(last.values("day")[:1]))


def verdict_for(
    milestone: Milestone, finished_on: datetime.date | None, today: datetime.date
) -> tuple[str, bool]:
    """“2 months late”, “on time”, “1 month early”, “overdue by 3 months” — and whether late."""
    if milestone.end is None:
        return "", False
    if milestone.status == MilestoneStatus.FINISHED:
        if finished_on is None:
            return _("no finishing date recorded"), False
        delta = month_index(finished_on) - month_index(milestone.end)
        if delta > 0:
            return _("%(months)s late") % {"months": months_phrase(delta)}, True
        if delta < 0:
            return _("%(months)s early") % {"months": months_phrase(-delta)}, False
        return _("on time"), False
    delta = month_index(today) - month_index(milestone.end)
    if delta > 0:
        return _("overdue by %(months)s") % {"months": months_phrase(delta)}, True
    return "", False


def commitment_timeline(
    commitment: Commitment,
    milestones: Iterable[Milestone],
    today: datetime.date | None = None,
) -> Chart | None:
    """One bar per milestone from planned start to planned end, today, status, lateness.

    Reads only what the commitment page loaded: its milestones, each with the day it was last
    finished (``with_finishing_dates``).
    """
    today = today or timezone.localdate()
    milestones = list(milestones)
    if not milestones:
        return None
    finished = {
        m.pk: m.finished_on for m in milestones if getattr(m, "finished_on", None) is not None
    }
    dated = [m for m in milestones if m.start or m.end]
    first = min(
        [d for m in dated for d in (m.start, m.end) if d] + [commitment.start or today],
        default=today,
    )
    last = max([d for m in dated for d in (m.start, m.end) if d] + [commitment.end or first])
    days = [d for m in dated for d in (m.start, m.end) if d]
    planned = (min(days), max(days)) if days else (first, last)
    done_days = [finished[m.pk] for m in milestones if m.pk in finished]
    # Today belongs on the axis while it is near; long after the end it would squash the bars.
    near = [today] if month_index(today) - month_index(last) <= 12 else []
    first, last = clamp_range(first, last, [*done_days, *near])
    axis = TimeAxis(first, last, 8, WIDTH - 8)
    rows = []
    y = 34
    for milestone in milestones[:TIMELINE_MAX_ROWS]:
        done = finished.get(milestone.pk) if milestone.status == MilestoneStatus.FINISHED else None
        verdict, late = verdict_for(milestone, done, today)
        title = milestone.shown("title")
        row = TimelineRow(
            number=milestone.number,
            title=clip(title.text, TITLE_CHARS),
            lang=title.language if title.is_fallback else "",
            full_title=title,
            style=status_style(milestone.status),
            start=short_date(milestone.start),
            end=short_date(milestone.end),
            verdict=verdict,
            finished_on=short_date(done) if done else "",
            late=late,
            overdue=milestone.is_overdue,
            label_y=num(y + 13),
            status_y=num(y + 29),
            bar_y=num(y + 35),
            text_y=num(y + 47),
        )
        begin, end = milestone.start or milestone.end, milestone.end or milestone.start
        if begin and end:
            x1, x2 = axis.start_of(begin), axis.end_of(end)
            row.bar_x, row.bar_width = num(x1), num(max(x2 - x1, 2))
            gap_end = None
            if done:
                row.done_x, row.done_y = num(axis.middle_of(done)), num(y + 42)
                gap_end = axis.middle_of(done) if late else None
            elif row.overdue:
                gap_end = axis.middle_of(today) if axis.contains(today) else axis.right
            if gap_end is not None and gap_end > x2:
                row.gap_x1, row.gap_x2, row.gap_y = num(x2), num(gap_end), num(y + 42)
        else:
            row.no_dates = True
        rows.append(row)
        y += 60
    n_late = sum(
        1
        for m in milestones
        if verdict_for(
            m, finished.get(m.pk) if m.status == MilestoneStatus.FINISHED else None, today
        )[1]
    )
    description = " ".join(
        [
            ngettext(
                "%(count)s milestone planned between %(start)s and %(end)s.",
                "%(count)s milestones planned between %(start)s and %(end)s.",
                len(milestones),
            )
            % {
                "count": len(milestones),
                "start": month_label(planned[0]),
                "end": month_label(planned[1]),
            },
            status_sentence(Counter(m.status for m in milestones)),
            ngettext(
                "%(count)s is late or was finished late.",
                "%(count)s are late or were finished late.",
                n_late,
            )
            % {"count": n_late},
            _("The table after the chart gives the same data."),
        ]
    )
    return Chart(
        id=f"timeline-{commitment.pk}",
        title=_("Timeline of the milestones"),
        description=description,
        height=num(y + 6),
        ticks=axis.ticks(),
        today=today_line(axis, today),
        statuses=present_styles(m.status for m in milestones),
        extra={
            "rows": rows,
            "axis_bottom": num(y),
            "today_off": _today_off(axis, today),
            "total": len(milestones),
            "hidden": len(milestones) - len(rows),
        },
    )


def _today_off(axis: TimeAxis, today: datetime.date) -> str:
    """Said at the edge when today lies beyond the axis."""
    if month_index(today) > axis.last:
        return _("Today (%(month)s) is later →") % {"month": month_label(today)}
    return ""


def status_sentence(counts: dict[str, int]) -> str:
    """“Finished: 2; In progress: 1.” for the statuses that have milestones."""
    parts = [
        _("%(status)s: %(count)s") % {"status": style.label, "count": counts.get(style.code, 0)}
        for style in status_styles()
        if counts.get(style.code)
    ]
    return "; ".join(parts) + "." if parts else ""


# An action plan: compact Gantt and progress over time --------------------------------------------


def plan_period(plan) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(plan.start_year, 1, 1)
    last = plan.end_month or datetime.date(plan.end_year, 12, 1)
    return first, max(first, last)


@dataclass
class GanttBar:
    x: str
    y: str
    width: str
    name: str


@dataclass
class BarGroup:
    """The bars of one status, overdue or not: one fill and one outline for all of them."""

    style: StatusStyle
    overdue: bool
    bars: list[GanttBar]


@dataclass
class GanttRow:
    commitment: Commitment
    prefix: str  # its number in the plan, else its place on the chart
    title: str  # clipped: the commitment's page has it whole
    lang: str  # the title's language when it is not the page's, else ""
    label_y: str
    start: str
    end: str
    total: int
    finished: int
    overdue: int


def plan_commitments(plan):
    """The commitments a plan's charts draw: its published ones, the rule of its roll-up."""
    return Commitment.objects.filter(action_plans=plan, is_published=True)


@dataclass
class PlanRollup:
    """What a plan's roll-up says its charts need: no page reads the plan's every milestone."""

    months: dict  # milestones by status and end month
    n_commitments: int
    finished_months: dict  # net change in finished milestones by month of the history
    n_finished_recorded: int


def plan_rollup(plan) -> PlanRollup:
    """The plan's roll-up and progress history (``commitments.rollups``): one indexed look-up."""
    history = PlanHistory.objects.filter(plan=plan.pk)
    row = (
        Rollup.objects.filter(scope=Rollup.Scope.PLAN, object_id=plan.pk)
        .annotate(
            finished_months=Subquery(history.values("finished_months")[:1]),
            n_finished_recorded=Subquery(history.values("n_finished_recorded")[:1]),
        )
        .values_list("months", "n_commitments", "finished_months", "n_finished_recorded")
        .first()
    )
    if row is None:
        return PlanRollup({}, 0, {}, 0)
    months, n_commitments, finished_months, n_finished_recorded = row
    return PlanRollup(months, n_commitments, finished_months or {}, n_finished_recorded or 0)


def first_commitments(commitments, today: datetime.date, limit: int) -> list[Commitment]:
    """The first ``limit`` commitments by number, each with the counts and dates of its
    milestones: one query, whose per-row counts run only for the rows it returns."""
    milestones = Milestone.objects.filter(commitment=OuterRef("pk")).order_by()

    def count(rows):
        return SubqueryCount(rows.values("pk"))

    # Sorted by an expression: with the index on (number, id) PostgreSQL would walk every
    # commitment of every plan in number order looking for this plan's first ones.
    return list(
        commitments.order_by(F("number") + 0, "pk")
        .only("pk", "number", "ogp_id", "original_language", "title", "title_es", "title_en")
        .annotate(
            n_milestones=count(milestones),
            n_finished=count(milestones.filter(status=MilestoneStatus.FINISHED)),
            n_overdue=count(milestones.filter(overdue_milestones_q(today=today))),
            first_start=Subquery(
                milestones.exclude(start=None).order_by("start").values("start")[:1]
            ),
            last_end=Subquery(milestones.exclude(end=None).order_by("-end").values("end")[:1]),
        )[:limit]
    )


def drawn_milestones(commitments: list[Commitment], limit: int) -> list[tuple]:
    """(commitment id, number, start, end, status) of the dated milestones of ``commitments``,
    at most ``limit`` of them, each commitment's earliest first: one query."""
    return list(
        Milestone.objects.filter(commitment__in=[c.pk for c in commitments])
        .exclude(start=None, end=None)
        .order_by("commitment_id", F("start").asc(nulls_last=True), "end", "number")
        .values_list("commitment_id", "number", "start", "end", "status")[:limit]
    )


def _lanes(spans: list[tuple[int, int]]) -> list[int]:
    """A lane for each (first, last) month span so that spans in one lane do not overlap."""
    ends: list[int] = []
    lanes = []
    for first, last in spans:
        for lane, end in enumerate(ends):
            if end < first:
                ends[lane] = last
                lanes.append(lane)
                break
        else:
            if len(ends) < MAX_LANES:
                ends.append(last)
                lanes.append(len(ends) - 1)
            else:
                lane = min(range(len(ends)), key=ends.__getitem__)
                ends[lane] = max(ends[lane], last)
                lanes.append(lane)
    return lanes


def _within_budget(commitments: list[Commitment]) -> list[Commitment]:
    """The first commitments whose milestones fit GANTT_MAX_BARS (the first one always)."""
    shown, bars = [], 0
    for commitment in commitments:
        bars += commitment.n_milestones
        if shown and bars > GANTT_MAX_BARS:
            break
        shown.append(commitment)
    return shown


def _month_of_key(key: str) -> datetime.date:
    """A roll-up's month key (“2022-03”) as the first day of that month."""
    return datetime.date(int(key[:4]), int(key[5:7]), 1)


def plan_charts(plan, today: datetime.date | None = None) -> dict:
    """The compact Gantt and the progress line of a plan, whatever its size, from three queries:
    its roll-up (milestones by status and end month, finished ones by month of the history),
    its first commitments with their counts, and the milestones the Gantt draws (at most
    GANTT_MAX_BARS)."""
    today = today or timezone.localdate()
    rollup = plan_rollup(plan)
    if not Tally(rollup.months).total:
        return {}
    shown = _within_budget(first_commitments(plan_commitments(plan), today, GANTT_MAX_ROWS))
    bars = drawn_milestones(shown, GANTT_MAX_BARS)
    this_month = month_index(today)
    changes = {
        month_index(_month_of_key(key)): change for key, change in rollup.finished_months.items()
    }
    first, last = clamp_range(
        *plan_period(plan),
        [d for row in bars for d in (row[2], row[3])]
        + [_month_of_key(key) for by_month in rollup.months.values() for key in by_month if key]
        + [month_of(index) for index in changes if index <= this_month],
    )
    return {
        "gantt": _gantt(plan, shown, bars, rollup, first, last, today),
        "progress": _progress_line(plan, rollup, changes, first, last, today),
    }


def cached_plan_charts(plan) -> str:
    """A plan's charts as markup, drawn once per plan, language, version of the public data and
    day: they draw published data only, the same for every reader, and change only when it
    does (drawing the SVG of hundreds of bars took longer than reading them)."""
    from ogptracker import pagecache

    today = timezone.localdate()
    return pagecache.kept_markup(
        f"charts:plan:{plan.pk}",
        "charts/plan.html",
        lambda: {"plan": plan, **plan_charts(plan, today)},
    )


def _gantt(plan, shown, bars, rollup: PlanRollup, first, last, today) -> Chart:
    label_right = 200
    axis = TimeAxis(first, last, label_right + 6, WIDTH - 6)
    this_month = month_index(today)
    by_commitment: dict[int, list[tuple]] = defaultdict(list)
    for bar in bars:
        by_commitment[bar[0]].append(bar)
    labels = {style.code: style.label for style in status_styles()}
    late = _("overdue")
    rows = []
    groups: dict[tuple[str, bool], list[GanttBar]] = defaultdict(list)
    lines = []
    y = 28
    for position, commitment in enumerate(shown, start=1):
        # By start, so that milestones one after another share a lane.
        dated = sorted(by_commitment.get(commitment.pk, []), key=lambda r: (r[2] or r[3], r[1]))
        spans = [(month_index(r[2] or r[3]), month_index(r[3] or r[2])) for r in dated]
        lanes = _lanes(spans)
        height = max(18, (max(lanes, default=0) + 1) * 8 + 6)
        # Its number in the plan; without one, its place on the chart.
        prefix = str(commitment.number or position)
        for (_pk, number, start, end, status), lane in zip(dated, lanes, strict=True):
            x1, x2 = axis.start_of(start or end), axis.end_of(end or start)
            overdue = (
                end is not None
                and month_index(end) < this_month
                and status != MilestoneStatus.FINISHED
            )
            name = f"{prefix}.{number} {labels.get(status, status)}"
            # Whole units: a month is several units wide, and 400 bars stay small.
            groups[(status, overdue)].append(
                GanttBar(
                    x=str(round(x1)),
                    y=str(y + 3 + lane * 8),
                    width=str(max(round(x2) - round(x1), 2)),
                    name=f"{name}, {late}" if overdue else name,
                )
            )
        title = commitment.shown("title")
        rows.append(
            GanttRow(
                commitment=commitment,
                prefix=prefix,
                title=clip(title.text, LABEL_CHARS - len(prefix) - 2),
                lang=title.language if title.is_fallback else "",
                label_y=num(y + 12),
                start=short_date(commitment.first_start),
                end=short_date(commitment.last_end),
                total=commitment.n_milestones,
                finished=commitment.n_finished,
                overdue=commitment.n_overdue,
            )
        )
        y += height
        lines.append(f"M0 {y}H{WIDTH}")
    # A single commitment with more milestones than the chart draws: its first ones are drawn.
    capped = len(bars) if len(shown) == 1 and shown[0].n_milestones > GANTT_MAX_BARS else 0
    statuses = present_styles(status for status, _overdue in groups)
    order = {style.code: place for place, style in enumerate(statuses)}
    n_commitments = rollup.n_commitments
    tally = Tally(rollup.months)
    n_milestones = tally.total
    description = " ".join(
        [
            ngettext(
                "%(count)s commitment with %(milestones)s milestones between %(start)s and %(end)s.",
                "%(count)s commitments with %(milestones)s milestones between %(start)s and %(end)s.",
                n_commitments,
            )
            % {
                "count": n_commitments,
                "milestones": n_milestones,
                "start": month_label(first),
                "end": month_label(last),
            },
            _("Each row is a commitment; each bar a milestone from its planned start to its end."),
            status_sentence(tally.by_status()),
            _("The table after the chart gives the same data."),
        ]
    )
    return Chart(
        id=f"gantt-{plan.pk}",
        title=_("Milestones of every commitment over the plan's period"),
        description=description,
        height=num(y + 6),
        ticks=axis.ticks(),
        today=today_line(axis, today),
        statuses=statuses,
        extra={
            "rows": rows,
            "groups": [
                BarGroup(status_style(status), overdue, drawn)
                for (status, overdue), drawn in sorted(
                    groups.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][1])
                )
            ],
            "row_lines": "".join(lines),
            "axis_bottom": num(y),
            "hidden": max(n_commitments - len(rows), 0),
            "capped": capped,
            "total_commitments": n_commitments,
        },
    )


@dataclass
class ProgressPoint:
    month: str
    planned: int
    finished: int | None


def _progress_line(plan, rollup: PlanRollup, changes, first, last, today) -> Chart:
    left, right, top, bottom = 44, WIDTH - 10, 34, 214
    axis = TimeAxis(first, last, left, right)
    tally = Tally(rollup.months)
    total = tally.total
    ends: dict[int, int] = defaultdict(int)
    undated = 0
    for by_month in rollup.months.values():
        for key, count in by_month.items():
            if key:
                index = month_index(_month_of_key(key))
                ends[min(max(index, axis.first), axis.last)] += count
            else:
                undated += count
    this_month = month_index(today)
    # Changes before the axis begins are counted in its first month.
    finished = sum(change for index, change in changes.items() if index < axis.first)
    planned = 0
    points: list[ProgressPoint] = []
    planned_xy = [f"{num(left)},{num(bottom)}"]
    done_xy = [f"{num(left)},{num(bottom)}"]

    def y_of(count: int) -> float:
        return bottom - (bottom - top) * count / max(total, 1)

    for index in range(axis.first, axis.last + 1):
        planned += ends.get(index, 0)
        finished += changes.get(index, 0)
        x = num(axis.at(index + 1))
        planned_xy.append(f"{x},{num(y_of(planned))}")
        reached = index <= this_month
        if reached:
            done_xy.append(f"{x},{num(y_of(finished))}")
        points.append(
            ProgressPoint(month_label(month_of(index)), planned, finished if reached else None)
        )
    unrecorded = tally.count(MilestoneStatus.FINISHED) - rollup.n_finished_recorded
    reached = [p for p in points if p.finished is not None]
    now = reached[-1] if reached else None
    y_ticks = sorted({0, total // 2, total})
    if now:
        summary = ngettext(
            "Of %(total)s milestone, %(planned)s should have finished by %(month)s and "
            "%(finished)s had, by the recorded history.",
            "Of %(total)s milestones, %(planned)s should have finished by %(month)s and "
            "%(finished)s had, by the recorded history.",
            total,
        ) % {"total": total, "planned": now.planned, "finished": now.finished, "month": now.month}
    else:
        summary = ngettext(
            "%(total)s milestone; the plan's period has not started.",
            "%(total)s milestones; the plan's period has not started.",
            total,
        ) % {"total": total}
    parts = [summary]
    if unrecorded:
        parts.append(
            ngettext(
                "%(count)s finished milestone has no recorded date and is not on the line.",
                "%(count)s finished milestones have no recorded date and are not on the line.",
                unrecorded,
            )
            % {"count": unrecorded}
        )
    if undated:
        parts.append(
            ngettext(
                "%(count)s milestone has no end date and is not on the planned line.",
                "%(count)s milestones have no end date and are not on the planned line.",
                undated,
            )
            % {"count": undated}
        )
    parts.append(_("The table after the chart gives the same data."))
    return Chart(
        id=f"progress-{plan.pk}",
        title=_("Finished milestones over time, against the plan"),
        description=" ".join(parts),
        height=num(bottom + 26),
        ticks=axis.ticks(),
        today=today_line(axis, today),
        extra={
            "planned": " ".join(planned_xy),
            "last_point": done_xy[-1].split(",") if len(done_xy) > 1 else None,
            "finished": " ".join(done_xy),
            "table": points,
            "notes": parts[1:-1],
            "top": num(top),
            "bottom": num(bottom),
            "left": num(left),
            "right": num(right),
            "y_ticks": [(num(y_of(count)), count) for count in y_ticks],
            "tick_bottom": num(bottom + 16),
        },
    )


# Everyone's milestones by status, and plans on one axis ----------------------------------------


@dataclass
class Segment:
    style: StatusStyle
    count: int
    percent: int
    x: str
    width: str
    legend_x: str
    legend_y: str
    swatch_y: str
    text_x: str


def status_distribution(counts: dict[str, int], overdue: int, chart_id: str) -> Chart | None:
    """Every status as one stacked bar with numbers, and the overdue ones on the same scale."""
    total = sum(counts.get(style.code, 0) for style in status_styles())
    if not total:
        return None
    left, right = 8, WIDTH - 8
    scale = (right - left) / total
    segments = []
    x = left
    drawn = present_styles(code for code, count in counts.items() if count)
    for position, style in enumerate(drawn):
        count = counts.get(style.code, 0)
        width = count * scale
        segments.append(
            Segment(
                style=style,
                count=count,
                percent=round(100 * count / total),
                x=num(x),
                width=num(width),
                legend_x=num(left + (position % 3) * 210),
                legend_y=num(68 + (position // 3) * 22),
                swatch_y=num(58 + (position // 3) * 22),
                text_x=num(left + (position % 3) * 210 + 18),
            )
        )
        x += width
    legend_rows = (len(segments) + 2) // 3
    overdue_y = 68 + legend_rows * 22
    description = " ".join(
        [
            ngettext("%(count)s milestone.", "%(count)s milestones.", total) % {"count": total},
            status_sentence(counts),
            ngettext(
                "%(count)s is overdue: its end month has passed and it is not finished.",
                "%(count)s are overdue: their end month has passed and they are not finished.",
                overdue,
            )
            % {"count": overdue},
        ]
    )
    return Chart(
        id=chart_id,
        title=_("Milestones by status"),
        description=description,
        height=num(overdue_y + 40),
        statuses=drawn,
        extra={
            "segments": segments,
            "total": total,
            "overdue": overdue,
            "overdue_percent": round(100 * overdue / total),
            "overdue_width": num(max(overdue * scale, 0)),
            "overdue_bar_y": num(overdue_y),
            "overdue_label_y": num(overdue_y + 32),
            "left": num(left),
            "scale_width": num(right - left),
        },
    )


@dataclass
class PeriodRow:
    plan: object
    label: str
    lang: str  # the title's language when it is not the page's, else ""
    label_y: str
    bar_y: str
    x: str
    width: str
    done_width: str
    period: str
    progress: str


def plan_periods(
    plans: list,
    chart_id: str,
    today: datetime.date | None = None,
    total: int | None = None,
    more_url: str = "",
) -> Chart | None:
    """Each plan's period on one time axis, with the share of its milestones finished.

    ``total``: how many plans there are when ``plans`` is a selection of them; the chart says
    how many it leaves out and links to them (``more_url``, else the list of every plan).
    """
    from commitments.templatetags.commitment_tags import progress_of

    today = today or timezone.localdate()
    plans = list(plans)
    if not plans:
        return None
    shown = plans[:PERIODS_MAX_ROWS]
    periods = [plan_period(plan) for plan in shown]
    first = min(start for start, _end in periods)
    last = max(end for _start, end in periods)
    first, last = clamp_range(
        first, last, [today] if month_index(today) <= month_index(last) + 12 else []
    )
    label_right = 220
    axis = TimeAxis(first, last, label_right + 6, WIDTH - 6)
    rows = []
    y = 28
    for plan, (start, end) in zip(shown, periods, strict=True):
        progress = progress_of(plan)
        title = plan.shown("title")
        x1, x2 = axis.start_of(start), axis.end_of(end)
        rows.append(
            PeriodRow(
                plan=plan,
                label=clip(title.text, LABEL_CHARS + 4),
                lang=title.language if title.is_fallback else "",
                label_y=num(y + 15),
                bar_y=num(y + 4),
                x=num(x1),
                width=num(max(x2 - x1, 2)),
                done_width=num(
                    (x2 - x1) * progress.finished / progress.total if progress.total else 0
                ),
                period=f"{month_label(start)} – {month_label(end)}",
                progress=progress.text,
            )
        )
        y += 26
    description = " ".join(
        [
            ngettext(
                "%(count)s action plan between %(start)s and %(end)s.",
                "%(count)s action plans between %(start)s and %(end)s.",
                len(plans),
            )
            % {"count": len(plans), "start": month_label(first), "end": month_label(last)},
            _("Each bar is a plan's period; its dark part is the share of milestones finished."),
            _("The table after the chart gives the same data."),
        ]
    )
    return Chart(
        id=chart_id,
        title=_("Action plans over time"),
        description=description,
        height=num(y + 6),
        ticks=axis.ticks(),
        today=today_line(axis, today),
        extra={
            "rows": rows,
            "axis_bottom": num(y),
            "hidden": max(len(plans) if total is None else total, len(plans)) - len(shown),
            "more_url": more_url,
            "today_off": _today_off(axis, today),
        },
    )


# An institution beside the others --------------------------------------------------------------


def institution_distribution() -> dict[str, list[int]]:
    """Every institution's milestone count per status and overdue, each list sorted.

    Read from the institutions' roll-ups (institutions with milestones only) and kept once per
    version of the public data and day, so an institution page never recounts the others.
    """
    from commitments.rollups import INSTITUTION, Rollup, Tally
    from ogptracker import pagecache

    today = timezone.localdate()

    def compute() -> dict[str, list[int]]:
        values: dict[str, list[int]] = {code: [] for code in (*MilestoneStatus.values, "overdue")}
        rows = Rollup.objects.filter(scope=INSTITUTION, n_milestones__gt=0).values_list(
            "months", flat=True
        )
        for months in rows.iterator(chunk_size=2000):
            tally = Tally(months)
            for code in MilestoneStatus.values:
                values[code].append(tally.count(code))
            values["overdue"].append(tally.overdue(today))
        return {code: sorted(found) for code, found in values.items()}

    return pagecache.kept_for_the_day("charts:institutions", compute)


def own_counts(rolled_up) -> dict[str, int]:
    """A plan's, member's or institution's milestones by status and overdue, from its roll-up."""
    tally = rolled_up.rollup_tally
    counts = {code: tally.count(code) for code in MilestoneStatus.values}
    counts["overdue"] = tally.overdue()
    return counts


def _without(values: list[int], own: int) -> list[int]:
    """The others' values: a sorted list with one occurrence of ``own`` left out."""
    others = list(values)
    if own in others:
        others.remove(own)
    return others


@dataclass
class ComparisonRow:
    label: str
    symbol: str
    pattern: str  # the id of its fill: a status code, or "overdue"
    own: int
    median: float
    median_text: str
    label_y: str
    own_y: str
    own_width: str
    own_text_x: str
    own_text_y: str
    median_y: str
    median_width: str
    median_text_x: str
    median_text_y: str


def institution_comparison(institution, chart_id: str) -> Chart | None:
    """Its milestones by status and overdue, beside the median of the other institutions."""
    own = own_counts(institution)
    if not any(own[code] for code in MilestoneStatus.values):
        return None
    distribution = {
        code: _without(values, own[code]) for code, values in institution_distribution().items()
    }
    others = distribution["overdue"]
    keys = [(style.code, style.label, style.symbol, style.code) for style in status_styles()]
    keys.append(("overdue", str(_("Overdue")), "⚠", "overdue"))
    medians = {
        code: statistics.median(distribution[code]) if others else 0 for code, *_rest in keys
    }
    # A status neither it nor the median has is left out; overdue is always shown.
    keys = [key for key in keys if key[0] == "overdue" or own.get(key[0], 0) or medians[key[0]]]
    largest = max([own.get(code, 0) for code, *_rest in keys] + list(medians.values()) + [1])
    left, right = 170, WIDTH - 60
    scale = (right - left) / largest
    rows = []
    y = 30
    for code, label, symbol, pattern in keys:
        mine, median = own.get(code, 0), medians[code]
        rows.append(
            ComparisonRow(
                label=label,
                symbol=symbol,
                pattern=pattern,
                own=mine,
                median=median,
                median_text=(
                    formats.number_format(median, decimal_pos=0 if median == int(median) else 1)
                    if others
                    else "—"
                ),
                label_y=num(y + 15),
                own_y=num(y + 2),
                own_width=num(mine * scale),
                own_text_x=num(left + mine * scale + 4),
                own_text_y=num(y + 12),
                median_y=num(y + 15),
                median_width=num(median * scale),
                median_text_x=num(left + median * scale + 4),
                median_text_y=num(y + 25),
            )
        )
        y += 34
    description = " ".join(
        [
            status_sentence(own),
            ngettext("%(count)s overdue.", "%(count)s overdue.", own.get("overdue", 0))
            % {"count": own.get("overdue", 0)},
            (
                ngettext(
                    "Compared with the median of %(count)s other institution.",
                    "Compared with the median of %(count)s other institutions.",
                    len(others),
                )
                % {"count": len(others)}
                if others
                else _("No other institution has milestones to compare with.")
            ),
            _("The table after the chart gives the same data."),
        ]
    )
    return Chart(
        id=chart_id,
        title=_("Its milestones by status, beside the other institutions' median"),
        description=description,
        height=num(y + 8),
        statuses=present_styles(key[0] for key in keys),
        extra={
            "rows": rows,
            "left": num(left),
            "others": len(others),
            "label_x": num(left - 8),
        },
    )

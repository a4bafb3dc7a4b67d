"""Bulk exports of commitments and milestones in OGP's dataset columns, streamed row by row.

The same row builder feeds the CSV and JSON files and the importer's comparison, so an export
imports back unchanged.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Expression, OuterRef, Prefetch, QuerySet, Subquery
from django.http import JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from commitments.filters import CommitmentFilter
from commitments.models import Commitment, CommitmentInstitution, Milestone, MilestoneUpdate
from plans.models import ActionPlan, Member

# Rows fetched from the database at a time: memory stays flat however many rows there are.
CHUNK_SIZE = 500

# A multi-valued cell joins its values with this separator (names never contain it).
SEPARATOR = "; "

YES, NO = "Yes", "No"

OGP_VALUE_COLUMNS = {
    "OGP Value Access To Information": "access-to-information",
    "OGP Value Civic Participation": "civic-participation",
    "OGP Value Public Accountability": "public-accountability",
    "OGP Value Technology": "technology-and-innovation",
}


@dataclass(frozen=True)
class Assessment:
    """A column filled from an assessment of the commitment, registered by the app that owns it.

    ``annotation`` returns an expression over ``Commitment`` (a subquery); ``label`` turns its
    value into the exported text. Commitments do not import the reports that assess them.
    """

    column: str
    annotation: Callable[[], Expression]
    label: Callable[[object], str | None]

    @property
    def alias(self) -> str:
        return "export_" + "".join(ch if ch.isalnum() else "_" for ch in self.column.lower())


ASSESSMENTS: dict[str, Assessment] = {}


def register_assessment(assessment: Assessment) -> None:
    """Fill an export column (one of COMMITMENT_COLUMNS) from an assessment."""
    ASSESSMENTS[assessment.column] = assessment


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    derived: bool = False  # computed by the portal: exported, ignored on import


COMMITMENT_COLUMNS: tuple[Column, ...] = (
    # OGP's own dataset columns.
    Column(
        "Commitment Unique Identifier",
        _("The OGP ID, for example MXMEX0009; empty until OGP assigns one."),
    ),
    Column(
        "Country/Locality",
        _("The member of each action plan, in the order of “Action Plan”."),
    ),
    Column(
        "Action Plan Number",
        _("Which of its member’s action plans each plan is (1 for the first)."),
        derived=True,
    ),
    Column("Commitment Number", _("The commitment’s number in its action plan.")),
    Column("Commitment Title", _("The commitment’s title.")),
    Column("Short Title", _("A short title, when it has one.")),
    Column(
        "Full Text",
        _("Problem, status quo and action in one text, each introduced by its name."),
        derived=True,
    ),
    Column("Lead Institution", _("The lead institutions’ official names.")),
    Column("Supporting Institution(s)", _("The supporting institutions’ official names.")),
    Column("URL", _("The commitment’s page on this portal."), derived=True),
    *(
        Column(name, _("“Yes” when the commitment is relevant to this OGP value, else “No”."))
        for name in OGP_VALUE_COLUMNS
    ),
    Column(
        "Completion (Progress Report)",
        _("The overall level of completion of the published End of Commitment Report."),
        derived=True,
    ),
    Column(
        "Did It Open Government (Overall)",
        _(
            "The strongest degree of result the published End of Commitment Report gives on "
            "access to information, civic participation and public accountability (2.1.1–2.1.3)."
        ),
        derived=True,
    ),
    # The portal's own fields.
    Column("Action Plan", _("The titles of the commitment’s action plans.")),
    Column("Action Plan Slug", _("The plans’ identifiers in this portal’s addresses.")),
    Column("Action Plan Period", _("Each plan’s first and last year, for example 2021-2022.")),
    Column("Problem", _("The public problem the commitment addresses.")),
    Column("Status Quo", _("The situation when the commitment was written.")),
    Column("Action", _("What the commitment will do.")),
    Column(
        "Contribution",
        _("How the commitment will contribute to solving the public problem."),
    ),
    Column(
        "Long-Term Goal",
        _("The long-term goal of the Open Government Strategy it relates to."),
    ),
    Column("OGP Values Narrative", _("Why the commitment is relevant to the OGP values.")),
    Column("Start", _("The month the commitment starts, as YYYY-MM.")),
    Column("End", _("The month the commitment ends, as YYYY-MM.")),
    Column("Policy Area", _("The primary policy area (OGP’s English name).")),
    Column("Sector", _("The primary sector (English name).")),
    Column("Published", _("“Yes” when the commitment is public.")),
    Column("Milestones Finished", _("How many of its milestones are finished."), derived=True),
    Column("Milestones Total", _("How many milestones it has."), derived=True),
    Column(
        "Progress (%)",
        _("Finished milestones over all milestones, as a whole percentage."),
        derived=True,
    ),
    Column(
        "Overdue Milestones",
        _("Milestones whose end month has passed and that are not finished."),
        derived=True,
    ),
    Column("Last Update", _("When a milestone’s status last changed (ISO 8601)."), derived=True),
)

MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("Commitment Unique Identifier", _("The OGP ID of the milestone’s commitment.")),
    Column("Action Plan Slug", _("The commitment’s first action plan.")),
    Column("Commitment Number", _("The commitment’s number in its action plan.")),
    Column(
        "Commitment Title", _("The commitment’s title, for reading (not imported)."), derived=True
    ),
    Column("Milestone Number", _("The milestone’s number in its commitment (1, 2, 3…).")),
    Column("Milestone Title", _("The milestone’s title.")),
    Column("Description", _("What the milestone delivers.")),
    Column("Start", _("The month the milestone starts, as YYYY-MM.")),
    Column("End", _("The month the milestone ends, as YYYY-MM.")),
    Column(
        "Status",
        _("not_reported, not_started, in_progress, stuck, finished or incomplete."),
    ),
    Column("Responsible Institution", _("The official name of the responsible institution.")),
    Column(
        "Overdue", _("“Yes” when the end month has passed and it is not finished."), derived=True
    ),
    Column("Last Update", _("When its status last changed (ISO 8601)."), derived=True),
)

COMMITMENT_HEADER = [column.name for column in COMMITMENT_COLUMNS]
MILESTONE_HEADER = [column.name for column in MILESTONE_COLUMNS]
IMPORTED_COLUMNS = [column.name for column in COMMITMENT_COLUMNS if not column.derived]
IMPORTED_MILESTONE_COLUMNS = [column.name for column in MILESTONE_COLUMNS if not column.derived]


def last_update_of(milestone_ref: str):
    """The time of the latest status change, as a subquery (one query, however many rows)."""
    updates = MilestoneUpdate.objects.filter(**{milestone_ref: OuterRef("pk")})
    return Subquery(updates.order_by("-created_at").values("created_at")[:1])


def month(value) -> str | None:
    return value.strftime("%Y-%m") if value else None


def plan_numbers() -> dict[int, int]:
    """Each published plan's position among its member's plans (1 for the first)."""
    numbers: dict[int, int] = {}
    counts: dict[int, int] = {}
    plans = ActionPlan.objects.published().order_by("member_id", "start_year", "pk")
    for plan_id, member_id in plans.values_list("pk", "member_id"):
        counts[member_id] = counts.get(member_id, 0) + 1
        numbers[plan_id] = counts[member_id]
    return numbers


def full_text(commitment: Commitment) -> str:
    parts = [
        ("Problem", commitment.problem),
        ("Status quo", commitment.status_quo),
        ("Action", commitment.action),
    ]
    return "\n\n".join(f"{label}: {text.strip()}" for label, text in parts if text.strip())


def commitment_record(
    commitment: Commitment, plans: list[ActionPlan], numbers: dict[int, int]
) -> dict:
    """One commitment as typed values under OGP's column names (lists, booleans, numbers)."""
    roles = list(commitment.institution_roles.all())
    values = {value.slug for value in commitment.ogp_values.all()}
    progress = commitment.progress
    last_update = getattr(commitment, "last_update", None)
    record = {
        "Commitment Unique Identifier": commitment.ogp_id or None,
        "Country/Locality": [plan.member.name for plan in plans],
        "Action Plan Number": [numbers.get(plan.pk) for plan in plans],
        "Commitment Number": commitment.number,
        "Commitment Title": commitment.title,
        "Short Title": commitment.short_title,
        "Full Text": full_text(commitment),
        "Lead Institution": sorted(
            r.institution.name for r in roles if r.role == CommitmentInstitution.Role.LEAD
        ),
        "Supporting Institution(s)": sorted(
            r.institution.name for r in roles if r.role == CommitmentInstitution.Role.SUPPORTING
        ),
        "URL": f"{settings.SITE_URL}/en/commitments/{commitment.key}/",
    }
    for column, slug in OGP_VALUE_COLUMNS.items():
        record[column] = slug in values
    for column in ("Completion (Progress Report)", "Did It Open Government (Overall)"):
        assessment = ASSESSMENTS.get(column)
        value = getattr(commitment, assessment.alias, None) if assessment else None
        record[column] = assessment.label(value) if assessment and value else None
    record.update(
        {
            "Action Plan": [plan.title for plan in plans],
            "Action Plan Slug": [plan.slug for plan in plans],
            "Action Plan Period": [f"{plan.start_year}-{plan.end_year}" for plan in plans],
            "Problem": commitment.problem,
            "Status Quo": commitment.status_quo,
            "Action": commitment.action,
            "Contribution": commitment.contribution,
            "Long-Term Goal": commitment.long_term_goal,
            "OGP Values Narrative": commitment.values_narrative,
            "Start": month(commitment.start),
            "End": month(commitment.end),
            "Policy Area": commitment.primary_policy_area.name
            if commitment.primary_policy_area
            else None,
            "Sector": commitment.primary_sector.name if commitment.primary_sector else None,
            "Published": commitment.is_published,
            "Milestones Finished": progress.finished,
            "Milestones Total": progress.total,
            "Progress (%)": progress.percent,
            "Overdue Milestones": getattr(commitment, "n_overdue", 0),
            "Last Update": last_update.isoformat() if last_update else None,
        }
    )
    return record


def milestone_record(milestone: Milestone, commitment: Commitment, plans: list) -> dict:
    last_update = getattr(milestone, "last_update", None)
    return {
        "Commitment Unique Identifier": commitment.ogp_id or None,
        "Action Plan Slug": plans[0].slug if plans else None,
        "Commitment Number": commitment.number,
        "Commitment Title": commitment.title,
        "Milestone Number": milestone.number,
        "Milestone Title": milestone.title,
        "Description": milestone.description,
        "Start": month(milestone.start),
        "End": month(milestone.end),
        "Status": milestone.status,
        "Responsible Institution": milestone.responsible_institution.name
        if milestone.responsible_institution
        else None,
        "Overdue": milestone.is_overdue,
        "Last Update": last_update.isoformat() if last_update else None,
    }


def cell(value) -> str:
    """A typed value as CSV text: lists joined, booleans Yes/No, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return SEPARATOR.join(cell(item) for item in value)
    return str(value)


def csv_row(record: dict, header: list[str]) -> list[str]:
    return [cell(record[name]) for name in header]


# --- What to export ----------------------------------------------------------------------------


class ExportFilterError(ValueError):
    """A ?plan= or ?member= value that names nothing public."""


def export_filter(params) -> dict[str, str]:
    """Check ?plan= and ?member=; raise ExportFilterError with a clear message when wrong."""
    chosen = {}
    for name in ("plan", "member"):
        value = params.get(name)
        if value is None:
            continue
        value = value.strip()
        if name == "plan" and not ActionPlan.objects.published().filter(slug=value).exists():
            raise ExportFilterError(
                _("No published action plan has the identifier “%(slug)s”.") % {"slug": value}
            )
        if name == "member" and not Member.objects.filter(slug=value).exists():
            raise ExportFilterError(_("No member has the identifier “%(slug)s”.") % {"slug": value})
        chosen[name] = value
    return chosen


def public_plans_prefetch() -> Prefetch:
    return Prefetch(
        "action_plans",
        queryset=ActionPlan.objects.published()
        .select_related("member")
        .order_by("start_year", "slug"),
        to_attr="public_plans",
    )


def published_commitments(chosen: dict[str, str] | None = None) -> QuerySet:
    """Published commitments, narrowed with the explorer's own filters."""
    commitments = Commitment.objects.published()
    if chosen:
        commitments = CommitmentFilter(chosen, queryset=commitments).qs
    return commitments


def commitments_for_export(
    chosen: dict[str, str] | None = None,
    *,
    with_milestones: bool = False,
    commitments: QuerySet | None = None,
) -> QuerySet:
    """Published commitments (narrowed by the explorer's filters) with all an export row reads."""
    if commitments is None:
        commitments = published_commitments(chosen)
    prefetches = [
        public_plans_prefetch(),
        Prefetch(
            "institution_roles",
            queryset=CommitmentInstitution.objects.select_related("institution"),
        ),
        "ogp_values",
    ]
    if with_milestones:
        prefetches.append(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("responsible_institution").annotate(
                    last_update=last_update_of("milestone")
                ),
            )
        )
    assessed = {a.alias: a.annotation() for a in ASSESSMENTS.values()}
    return (
        commitments.with_progress()
        .annotate(last_update=last_update_of("milestone__commitment"), **assessed)
        .select_related("primary_policy_area", "primary_sector")
        .prefetch_related(*prefetches)
        .order_by("pk")
    )


def milestones_for_export(chosen: dict[str, str] | None = None) -> QuerySet:
    commitments = published_commitments(chosen).values("pk")
    return (
        Milestone.objects.filter(commitment__in=commitments)
        .select_related("commitment", "responsible_institution")
        .prefetch_related(
            Prefetch(
                "commitment__action_plans",
                queryset=ActionPlan.objects.published().order_by("start_year", "slug"),
                to_attr="public_plans",
            )
        )
        .annotate(last_update=last_update_of("milestone"))
        .order_by("commitment_id", "number")
    )


# --- Streams -----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the text: csv.writer then yields lines."""

    def write(self, value: str) -> str:
        return value


def stream_csv(header: list[str], records: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for record in records:
        yield writer.writerow(csv_row(record, header))


def commitment_records(
    chosen: dict[str, str] | None = None,
    *,
    with_milestones: bool = False,
    commitments: QuerySet | None = None,
) -> Iterator[dict]:
    numbers = plan_numbers()
    queryset = commitments_for_export(
        chosen, with_milestones=with_milestones, commitments=commitments
    )
    for commitment in queryset.iterator(chunk_size=CHUNK_SIZE):
        record = commitment_record(commitment, commitment.public_plans, numbers)
        if with_milestones:
            record["Milestones"] = [
                milestone_record(milestone, commitment, commitment.public_plans)
                for milestone in commitment.milestones.all()
            ]
        yield record


def milestone_records(chosen: dict[str, str]) -> Iterator[dict]:
    for milestone in milestones_for_export(chosen).iterator(chunk_size=CHUNK_SIZE):
        commitment = milestone.commitment
        yield milestone_record(milestone, commitment, commitment.public_plans)


def stream_json(records: Iterable[dict]) -> Iterator[str]:
    yield "["
    first = True
    for record in records:
        yield ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"


# --- Views -------------------------------------------------------------------------------------


def _download(request, *, kind: str, extension: str):
    from ogptracker.api import error_body

    try:
        chosen = export_filter(request.GET)
    except ExportFilterError as error:
        return JsonResponse(error_body(400, "invalid", str(error)), status=400)
    if kind == "milestones":
        stream = stream_csv(MILESTONE_HEADER, milestone_records(chosen))
    elif extension == "csv":
        stream = stream_csv(COMMITMENT_HEADER, commitment_records(chosen))
    else:
        stream = stream_json(commitment_records(chosen, with_milestones=True))
    content_type = "text/csv" if extension == "csv" else "application/json"
    response = StreamingHttpResponse(stream, content_type=f"{content_type}; charset=utf-8")
    suffix = "".join(f"-{chosen[name]}" for name in ("member", "plan") if name in chosen)
    response["Content-Disposition"] = f'attachment; filename="{kind}{suffix}.{extension}"'
    return response


@require_safe
def commitments_csv(request):
    """Every published commitment in OGP's columns, one row each."""
    return _download(request, kind="commitments", extension="csv")


@require_safe
def milestones_csv(request):
    """Every milestone of a published commitment, keyed by its commitment's OGP ID."""
    return _download(request, kind="milestones", extension="csv")


@require_safe
def commitments_json(request):
    """Every published commitment with its milestones, under the same names as the CSV files."""
    return _download(request, kind="commitments", extension="json")

"""Bulk exports of commitments and milestones in OGP's dataset columns, streamed row by row.

The same row builder feeds the CSV and JSON files and the importer's comparison, so an export
imports back unchanged.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Expression, F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commitments.filters import CommitmentFilter
from commitments.models import (
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
)
from ogptracker.languages import other_language
from plans.models import ActionPlan, Member

# Rows fetched from the database at a time: memory stays flat however many rows there are.
CHUNK_SIZE = 200

# A multi-valued cell joins its values with this separator (names never contain it).
SEPARATOR = "; "

YES, NO = "Yes", "No"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


# Columns of translatable texts → model fields. The plain column holds the original version (the
# other one when the original is empty); "<column> (es)" and "<column> (en)" hold each version.
COMMITMENT_TEXTS = {
    "Commitment Title": "title",
    "Short Title": "short_title",
    "Problem": "problem",
    "Status Quo": "status_quo",
    "Action": "action",
    "Contribution": "contribution",
    "Long-Term Goal": "long_term_goal",
    "OGP Values Narrative": "values_narrative",
}
MILESTONE_TEXTS = {"Milestone Title": "title", "Description": "description"}
LANGUAGE_NAMES = {"es": _("Spanish"), "en": _("English")}


def language_column(column: str, code: str) -> str:
    """The column of one language version of a text: “Commitment Title (es)”."""
    return f"{column} ({code})"


def language_columns(texts: dict[str, str]) -> list[Column]:
    return [
        Column(
            language_column(column, code),
            format_lazy(_("“{column}” in {language}."), column=column, language=language),
        )
        for column in texts
        for code, language in LANGUAGE_NAMES.items()
    ]


def _status_codes() -> str:
    return _("The status code: %(codes)s.") % {"codes": ", ".join(MilestoneStatus.values)}


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
    Column(
        "Portal Number",
        _(
            "The commitment’s number in this portal (its address when it has no OGP ID); "
            "imports match rows without OGP ID on it."
        ),
    ),
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
    Column(
        "Original Language",
        _("The language its texts were written in: es (Spanish) or en (English)."),
    ),
    *language_columns(COMMITMENT_TEXTS),
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
    Column(
        "Milestones Not Reported",
        _("Milestones nobody has reported on yet (status “Not reported”)."),
        derived=True,
    ),
    Column(
        "Overdue Without a Report",
        _("Overdue milestones nobody has reported on (part of the overdue ones)."),
        derived=True,
    ),
    Column("Last Update", _("When a milestone’s status last changed (ISO 8601)."), derived=True),
)

MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("Commitment Unique Identifier", _("The OGP ID of the milestone’s commitment.")),
    Column(
        "Commitment Portal Number",
        _("The commitment’s number in this portal, for commitments without OGP ID."),
    ),
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
    Column("Status", lazy(_status_codes, str)()),
    Column(
        "Status Note",
        _(
            "The note of the latest status change. On import, the reason for a status change: "
            "required when a row changes the status, and different from the previous note."
        ),
    ),
    Column("Responsible Institution", _("The official name of the responsible institution.")),
    Column(
        "Original Language",
        _("The language its texts were written in: es (Spanish) or en (English)."),
    ),
    *language_columns(MILESTONE_TEXTS),
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


def last_note_of(milestone_ref: str):
    """The note of the latest status change, as a subquery."""
    updates = MilestoneUpdate.objects.filter(**{milestone_ref: OuterRef("pk")}).exclude(
        old_status=F("new_status")
    )
    return Subquery(updates.order_by("-created_at", "-pk").values("note")[:1])


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


def original_text(obj, field: str) -> str:
    """A text in its original language (in the other one when the original is empty)."""
    original = obj.original_language or "es"
    return obj.text_in(field, original) or obj.text_in(field, other_language(original))


def texts_record(obj, texts: dict[str, str]) -> dict:
    """The plain and per-language columns of an object's translatable texts."""
    record = {"Original Language": obj.original_language or None}
    for column, field in texts.items():
        record[column] = original_text(obj, field)
        for code in LANGUAGE_NAMES:
            record[language_column(column, code)] = obj.text_in(field, code)
    return record


def full_text(commitment: Commitment) -> str:
    parts = [
        ("Problem", original_text(commitment, "problem")),
        ("Status quo", original_text(commitment, "status_quo")),
        ("Action", original_text(commitment, "action")),
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
        "Commitment Title": original_text(commitment, "title"),
        "Short Title": original_text(commitment, "short_title"),
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
            "Portal Number": commitment.pk,
            "Action Plan": [plan.title for plan in plans],
            "Action Plan Slug": [plan.slug for plan in plans],
            "Action Plan Period": [f"{plan.start_year}-{plan.end_year}" for plan in plans],
            "Start": month(commitment.start),
            "End": month(commitment.end),
            "Policy Area": commitment.primary_policy_area.name
            if commitment.primary_policy_area
            else None,
            "Sector": commitment.primary_sector.name if commitment.primary_sector else None,
            "Published": commitment.is_published,
            **texts_record(commitment, COMMITMENT_TEXTS),
            "Milestones Finished": progress.finished,
            "Milestones Total": progress.total,
            "Progress (%)": progress.percent,
            "Overdue Milestones": getattr(commitment, "n_overdue", 0),
            "Milestones Not Reported": progress.not_reported,
            "Overdue Without a Report": progress.overdue_unreported,
            "Last Update": last_update.isoformat() if last_update else None,
        }
    )
    return record


def milestone_record(milestone: Milestone, commitment: Commitment, plans: list) -> dict:
    last_update = getattr(milestone, "last_update", None)
    return {
        "Commitment Unique Identifier": commitment.ogp_id or None,
        "Commitment Portal Number": commitment.pk,
        "Action Plan Slug": plans[0].slug if plans else None,
        "Commitment Number": commitment.number,
        "Commitment Title": original_text(commitment, "title"),
        "Milestone Number": milestone.number,
        "Start": month(milestone.start),
        "End": month(milestone.end),
        "Status": milestone.status,
        "Status Note": getattr(milestone, "last_note", None) or None,
        "Responsible Institution": milestone.responsible_institution.name
        if milestone.responsible_institution
        else None,
        **texts_record(milestone, MILESTONE_TEXTS),
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


# A spreadsheet runs a cell starting with one of these as a formula (or strips it): exports put
# an apostrophe before it, and before an apostrophe already there, so the import can take exactly
# one off again (``unneutralise``) and every text round trips unchanged.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a leading ``=+-@``, tab or CR gets a ``'``."""
    return "'" + text if FORMULA_START.match(text) else text


def unneutralise(text: str) -> str:
    """The text an export neutralised, as it was."""
    return text[1:] if NEUTRALISED.match(text) else text


def export_cell(value) -> str:
    return neutralise(cell(value))


def csv_row(record: dict, header: list[str]) -> list[str]:
    return [export_cell(record[name]) for name in header]


def xlsx_value(value):
    """A typed value as a spreadsheet cell: numbers stay numbers, text as in the CSV."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = export_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text) if text else None


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


# What a row reads of a plan and its member: not their long questionnaire texts.
PLAN_COLUMNS = (
    "slug",
    "title",
    "original_language",
    "start_year",
    "end_year",
    "member__name",
    "member__original_language",
)
# Search columns are large and no export reads them.
SEARCH_COLUMNS = ("search_vector", "search_text")


def public_plans_prefetch() -> Prefetch:
    return Prefetch(
        "action_plans",
        queryset=ActionPlan.objects.published()
        .select_related("member")
        .only(*PLAN_COLUMNS)
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
                    last_update=last_update_of("milestone"), last_note=last_note_of("milestone")
                ),
            )
        )
    assessed = {a.alias: a.annotation() for a in ASSESSMENTS.values()}
    return (
        commitments.with_progress()
        .annotate(last_update=last_update_of("milestone__commitment"), **assessed)
        .select_related("primary_policy_area", "primary_sector")
        .prefetch_related(*prefetches)
        .defer(*SEARCH_COLUMNS)
        .order_by("pk")
    )


def milestones_for_export(chosen: dict[str, str] | None = None) -> QuerySet:
    commitments = published_commitments(chosen).values("pk")
    return (
        Milestone.objects.filter(commitment__in=commitments)
        .select_related("commitment", "responsible_institution")
        .defer(*(f"commitment__{name}" for name in SEARCH_COLUMNS))
        .prefetch_related(
            Prefetch(
                "commitment__action_plans",
                queryset=ActionPlan.objects.published()
                .only("slug", "start_year")
                .order_by("start_year", "slug"),
                to_attr="public_plans",
            )
        )
        .annotate(last_update=last_update_of("milestone"), last_note=last_note_of("milestone"))
        .order_by("commitment_id", "number")
    )


# --- Streams -----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the text: csv.writer then yields lines."""

    def write(self, value: str) -> str:
        return value


# The last row of every CSV download: a file without it was cut off on the way (the import
# refuses such a file). Its first cell is, for example, “# end of data: 120 rows”.
END_MARKER = "# end of data: {count} rows"
END_MARKER_PATTERN = re.compile(r"# end of data: (\d+) rows")
BOM = "\ufeff"


def stream_csv(header: list[str], records: Iterable[dict]) -> Iterator[str]:
    """A CSV file: a UTF-8 BOM (for Excel), the header, the rows, then the end-of-data row."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    count = 0
    for record in records:
        count += 1
        yield writer.writerow(csv_row(record, header))
    yield writer.writerow([END_MARKER.format(count=count), *[""] * (len(header) - 1)])


def write_xlsx(header: list[str], records: Iterable[dict], title: str):
    """An XLSX file of the rows in a temporary file, written row by row (write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for record in records:
        sheet.append([xlsx_value(record[name]) for name in header])
    prepared = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    workbook.save(prepared)
    prepared.seek(0)
    return prepared


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
    for commitment in streamed(queryset):
        record = commitment_record(commitment, commitment.public_plans, numbers)
        if with_milestones:
            record["Milestones"] = [
                milestone_record(milestone, commitment, commitment.public_plans)
                for milestone in commitment.milestones.all()
            ]
        yield record


def milestone_records(chosen: dict[str, str]) -> Iterator[dict]:
    for milestone in streamed(milestones_for_export(chosen)):
        commitment = milestone.commitment
        yield milestone_record(milestone, commitment, commitment.public_plans)


def streamed(queryset: QuerySet) -> Iterator:
    """The rows of ``queryset`` a chunk at a time.

    On PostgreSQL inside a transaction: its cursor then streams rows as they are read, where a
    cursor outside a transaction (WITH HOLD) would first compute and store every row. An
    abandoned download rolls the transaction back. SQLite reads rows lazily without one (and a
    transaction there would hold the write lock for the whole download)."""
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)
        return
    with transaction.atomic():
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)


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
    suffix = "".join(f"-{chosen[name]}" for name in ("member", "plan") if name in chosen)
    filename = f"{kind}{suffix}.{extension}"
    if extension == "xlsx":
        header = MILESTONE_HEADER if kind == "milestones" else COMMITMENT_HEADER
        records = milestone_records(chosen) if kind == "milestones" else commitment_records(chosen)
        # Prepared, then sent with its length: a cut-off download is visibly incomplete.
        response = FileResponse(
            write_xlsx(header, records, kind.capitalize()),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_TYPE,
        )
        return response
    if kind == "milestones":
        stream = stream_csv(MILESTONE_HEADER, milestone_records(chosen))
    elif extension == "csv":
        stream = stream_csv(COMMITMENT_HEADER, commitment_records(chosen))
    else:
        stream = stream_json(commitment_records(chosen, with_milestones=True))
    content_type = "text/csv" if extension == "csv" else "application/json"
    response = StreamingHttpResponse(stream, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
def commitments_xlsx(request):
    """commitments.csv as a spreadsheet."""
    return _download(request, kind="commitments", extension="xlsx")


@require_safe
def milestones_xlsx(request):
    """milestones.csv as a spreadsheet."""
    return _download(request, kind="milestones", extension="xlsx")


@require_safe
def commitments_json(request):
    """Every published commitment with its milestones, under the same names as the CSV files."""
    return _download(request, kind="commitments", extension="json")

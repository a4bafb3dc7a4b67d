"""Import commitments (and milestones) from CSV files in the export's columns: all or nothing.

Shared by the ``import_commitments`` command and the admin's import with preview.

Rules (the Data page and the admin page state them too):

* The header must be exactly the export's columns (any order); computed columns are read and
  ignored. An export therefore imports back unchanged.
* A row with an OGP ID updates the commitment with that ID, or creates it.
* A row without an OGP ID matches the commitment without OGP ID that has the same
  “Commitment Number” in the row's first action plan (or, without a number, the same title);
  when there is none it creates a commitment.
* Action plans are matched on their slug, then their title; an unknown plan is created from its
  title, period and member (“Country/Locality”), published when one of its rows is published.
  Existing plans are never changed; links to unpublished plans (which exports leave out) are kept.
* Members and institutions are matched on their name (an institution also on its English name)
  and created when unknown. OGP values come from the four value columns; policy area and sector
  must already exist (matched on their English or Spanish name, or slug).
* Milestones (a second file, the columns of /data/milestones.csv) are matched on their
  commitment (OGP ID, else plan slug and commitment number) and number, and created when new;
  milestones missing from the file are left alone. A status change goes through
  ``change_milestone_status`` as the importing user, so it is permitted and recorded like any.
* Any problem in any row of either file means nothing is written; every problem is listed with its line (the
  row as a spreadsheet numbers it, the header being line 1) and column. Files are UTF-8 (with or without BOM) or Latin-1/Windows-1252; commas or semicolons.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commitments.exports import (
    COMMITMENT_HEADER,
    IMPORTED_COLUMNS,
    IMPORTED_MILESTONE_COLUMNS,
    MILESTONE_HEADER,
    OGP_VALUE_COLUMNS,
    cell,
    commitment_record,
    milestone_record,
)
from commitments.models import (
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    ogp_id_validator,
)
from commitments.services import can_update_milestone, change_milestone_status
from ogptracker.keys import is_ascii_digits
from ogptracker.text import FORBIDDEN_CHARACTERS
from plans.models import ActionPlan, Institution, Member, OGPValue, PolicyArea, Sector

MONTHS = {
    **dict.fromkeys(["jan", "january", "ene", "enero"], 1),
    **dict.fromkeys(["feb", "february", "febrero"], 2),
    **dict.fromkeys(["mar", "march", "marzo"], 3),
    **dict.fromkeys(["apr", "april", "abr", "abril"], 4),
    **dict.fromkeys(["may", "mayo"], 5),
    **dict.fromkeys(["jun", "june", "junio"], 6),
    **dict.fromkeys(["jul", "july", "julio"], 7),
    **dict.fromkeys(["aug", "august", "ago", "agosto"], 8),
    **dict.fromkeys(["sep", "sept", "september", "set", "septiembre", "setiembre"], 9),
    **dict.fromkeys(["oct", "october", "octubre"], 10),
    **dict.fromkeys(["nov", "november", "noviembre"], 11),
    **dict.fromkeys(["dec", "december", "dic", "diciembre"], 12),
}
TRUE_WORDS = {"yes", "y", "sí", "si", "s", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
FIELD_COLUMNS = {
    "ogp_id": "Commitment Unique Identifier",
    "number": "Commitment Number",
    "title": "Commitment Title",
    "short_title": "Short Title",
    "start": "Start",
    "end": "End",
}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str
    file: str = ""  # which file, when commitments and milestones are imported together

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line}
        if self.file:
            where = f"{self.file}, {where}"
        if self.column:
            where += f", “{self.column}”"
        return f"{where}: {self.message}"


@dataclass
class RowChange:
    line: int
    key: str
    title: str
    action: str  # "create", "update" or "unchanged"
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or with problems, would do)."""

    rows: list[RowChange] = field(default_factory=list)
    milestone_rows: list[RowChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_members: list[str] = field(default_factory=list)
    new_plans: list[str] = field(default_factory=list)
    new_institutions: list[str] = field(default_factory=list)
    encoding: str = ""
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str, rows: list[RowChange] | None = None) -> int:
        return sum(1 for row in (self.rows if rows is None else rows) if row.action == action)

    @property
    def milestone_counts(self) -> dict[str, int]:
        return {
            action: self.count(action, self.milestone_rows)
            for action in ("create", "update", "unchanged")
        }

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def max_length(model, name: str) -> int:
    """The longest text the database takes in ``model.name``: checked before it is written."""
    return model._meta.get_field(name).max_length


def too_long(text: str, limit: int) -> str | None:
    """The problem of ``text`` when it is longer than ``limit``, else None."""
    if len(text) <= limit:
        return None
    return _("At most %(limit)s characters (this has %(length)s).") % {
        "limit": limit,
        "length": len(text),
    }


class _Problems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


class _Rollback(Exception):
    pass


# --- Reading the file --------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; a problem when it is not text we read."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _Problems([Problem(1, "", _("The file is empty."))])
    not_text = _(
        "The file is not UTF-8 or Latin-1 text (it may be UTF-16 or a spreadsheet): "
        "save it as “CSV UTF-8” and try again."
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _Problems([Problem(1, "", not_text)])
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "Latin-1"
    bad = FORBIDDEN_CHARACTERS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise _Problems([Problem(line, "", not_text)])
    return text, encoding


def read_rows(
    text: str, expected: list[str] = COMMITMENT_HEADER
) -> list[tuple[int, dict[str, str]]]:
    """The rows as (line, {column: text}), after checking the header against the export's."""
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    for candidate in (";", "\t"):
        if candidate in first_line and "," not in first_line:
            delimiter = candidate
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise _Problems([Problem(1, "", _("The file is empty."))]) from None
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(1, name, _("This column appears more than once.")))
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(Problem(1, name, _("This column is missing.")))
    for name in header:
        if name not in expected:
            problems.append(
                Problem(1, name, _("Unknown column: use exactly the columns of the export."))
            )
    if problems:
        raise _Problems(problems)
    # Lines are counted as a spreadsheet shows rows (the header is line 1), so a cell that
    # spans several lines of text does not shift the numbers of the rows after it.
    rows = []
    line = 1
    try:
        for values in reader:
            line += 1
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                problems.append(
                    Problem(
                        line,
                        "",
                        _("This row has %(cells)s cells; the header has %(columns)s.")
                        % {"cells": len(values), "columns": len(header)},
                    )
                )
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error as error:
        problems.append(
            Problem(line + 1, "", _("The file is not valid CSV: %(error)s") % {"error": error})
        )
    if not rows and not problems:
        problems.append(Problem(2, "", _("The file has a header but no rows.")))
    if problems:
        raise _Problems(problems)
    return rows


def parse_month(text: str) -> datetime.date:
    """A month as OGP writes it: “Feb 2022”, “February 2022”, “02/2022”, “2022-02(-01)”."""
    value = text.strip().lower().replace(",", " ").replace(".", " ")
    year = month = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value):
        year, month = int(match[1]), int(match[2])
        if match[3]:
            try:
                datetime.date(year, month, int(match[3]))
            except ValueError:
                year = None
    elif match := re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", value):
        month, year = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"([a-zé]+)[\s-]*(?:de\s+)?(\d{4})", value):
        month, year = MONTHS.get(match[1]), int(match[2])
    if not year or not month or not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError(
            _("“%(value)s” is not a month: write it like “Feb 2022”, “02/2022” or “2022-02”.")
            % {"value": text.strip()}
        )
    return datetime.date(year, month, 1)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s” is neither “Yes” nor “No”.") % {"value": text.strip()})


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# --- Understanding the rows --------------------------------------------------------------------


@dataclass
class NewPlan:
    slug: str
    title: str
    start_year: int
    end_year: int
    member: Member | str  # a name when the member is new too
    published: bool = False


@dataclass
class Row:
    line: int
    ogp_id: str
    number: int | None
    title: str
    short_title: str
    plans: list  # ActionPlan or NewPlan
    lead: list  # Institution or str (new)
    supporting: list
    values: list[str]
    texts: dict[str, str]
    start: datetime.date | None
    end: datetime.date | None
    policy_area: PolicyArea | None
    sector: Sector | None
    published: bool
    commitment: Commitment | None = None


class _Reader:
    """Turns rows into Row objects, collecting every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.plans_by_slug = {plan.slug: plan for plan in ActionPlan.objects.all()}
        self.plans_by_title = {plan.title.lower(): plan for plan in self.plans_by_slug.values()}
        self.members = {}
        for member in Member.objects.all():
            for name in (member.slug, member.name, member.display_name):
                if name:
                    self.members.setdefault(name.lower(), member)
        self.institutions = {}
        for institution in Institution.objects.all():
            for name in (institution.name, institution.name_en):
                if name:
                    self.institutions.setdefault(name.lower(), institution)
        self.policy_areas = self._vocabulary(PolicyArea)
        self.sectors = self._vocabulary(Sector)
        self.new_plans: dict[str, NewPlan] = {}
        self.new_members: dict[str, str] = {}
        self.new_institutions: dict[str, str] = {}
        self.ogp_ids: dict[str, int] = {}
        self.local_keys: dict[tuple, int] = {}

    @staticmethod
    def _vocabulary(model) -> dict:
        terms = {}
        for term in model.objects.all():
            for name in (term.slug, term.name, term.name_es):
                if name:
                    terms.setdefault(name.lower(), term)
        return terms

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, str(message)))

    def read(self, line: int, data: dict[str, str]) -> Row | None:
        before = len(self.problems)
        get = {name: data[name].strip() for name in IMPORTED_COLUMNS}

        ogp_id = get["Commitment Unique Identifier"].upper()
        if ogp_id:
            try:
                ogp_id_validator(ogp_id)
            except ValidationError as error:
                self.problem(line, "Commitment Unique Identifier", error.messages[0])
            if ogp_id in self.ogp_ids:
                self.problem(
                    line,
                    "Commitment Unique Identifier",
                    _("The OGP ID %(id)s is also on line %(line)s.")
                    % {"id": ogp_id, "line": self.ogp_ids[ogp_id]},
                )
            self.ogp_ids.setdefault(ogp_id, line)

        number = None
        if get["Commitment Number"]:
            try:
                number = int(get["Commitment Number"])
                if not 1 <= number <= 32767:
                    raise ValueError
            except ValueError:
                self.problem(
                    line, "Commitment Number", _("Write a whole number from 1, or leave it empty.")
                )
                number = None

        title = get["Commitment Title"]
        if not title:
            self.problem(line, "Commitment Title", _("A commitment needs a title."))
        for column, name in (("Commitment Title", "title"), ("Short Title", "short_title")):
            if message := too_long(get[column], max_length(Commitment, name)):
                self.problem(line, column, message)

        plans = self.read_plans(line, get)

        lead = self.read_institutions(line, "Lead Institution", get)
        supporting = self.read_institutions(line, "Supporting Institution(s)", get)
        lead_names = {self.name_of(i).lower() for i in lead}
        for institution in supporting:
            if self.name_of(institution).lower() in lead_names:
                self.problem(
                    line,
                    "Supporting Institution(s)",
                    _("“%(name)s” is also a lead institution of this commitment.")
                    % {"name": self.name_of(institution)},
                )

        values = []
        for column, slug in OGP_VALUE_COLUMNS.items():
            try:
                if parse_bool(get[column]):
                    values.append(slug)
            except ValueError as error:
                self.problem(line, column, str(error))
        try:
            published = parse_bool(get["Published"])
        except ValueError as error:
            self.problem(line, "Published", str(error))
            published = False

        months = {}
        for column in ("Start", "End"):
            months[column] = None
            if get[column]:
                try:
                    months[column] = parse_month(get[column])
                except ValueError as error:
                    self.problem(line, column, str(error))
        if months["Start"] and months["End"] and months["End"] < months["Start"]:
            self.problem(line, "End", _("A commitment cannot end before it starts."))

        policy_area = self.read_term(line, "Policy Area", get, self.policy_areas)
        sector = self.read_term(line, "Sector", get, self.sectors)

        if len(self.problems) > before:
            return None
        row = Row(
            line=line,
            ogp_id=ogp_id,
            number=number,
            title=title,
            short_title=get["Short Title"],
            plans=plans,
            lead=lead,
            supporting=supporting,
            values=values,
            texts={
                "problem": get["Problem"],
                "status_quo": get["Status Quo"],
                "action": get["Action"],
                "contribution": get["Contribution"],
                "long_term_goal": get["Long-Term Goal"],
                "values_narrative": get["OGP Values Narrative"],
            },
            start=months["Start"],
            end=months["End"],
            policy_area=policy_area,
            sector=sector,
            published=published,
        )
        for plan in plans:
            if isinstance(plan, NewPlan) and published:
                plan.published = True
        self.match(row)
        return row

    @staticmethod
    def name_of(institution) -> str:
        return institution.name if isinstance(institution, Institution) else institution

    def read_term(self, line, column, get, terms):
        name = get[column]
        if not name:
            return None
        term = terms.get(name.lower())
        if term is None:
            self.problem(
                line,
                column,
                _("Unknown %(column)s “%(name)s”; the known ones are: %(known)s.")
                % {
                    "column": column.lower(),
                    "name": name,
                    "known": ", ".join(sorted({t.name for t in terms.values()})),
                },
            )
        return term

    def read_institutions(self, line, column, get) -> list:
        found = []
        for name in dict.fromkeys(split_list(get[column])):
            if len(name) > max_length(Institution, "name"):
                self.problem(
                    line,
                    column,
                    _("An institution’s name has at most %(limit)s characters.")
                    % {"limit": max_length(Institution, "name")},
                )
                continue
            institution = self.institutions.get(name.lower())
            if institution is None:
                institution = self.new_institutions.setdefault(name.lower(), name)
            found.append(institution)
        return found

    def read_plans(self, line, get) -> list:
        slugs = split_list(get["Action Plan Slug"])
        titles = split_list(get["Action Plan"])
        periods = split_list(get["Action Plan Period"])
        members = split_list(get["Country/Locality"])
        count = max(len(slugs), len(titles))
        if not count:
            self.problem(line, "Action Plan", _("A commitment needs at least one action plan."))
            return []
        for column, values in (("Action Plan Slug", slugs), ("Action Plan", titles)):
            if values and len(values) != count:
                self.problem(
                    line,
                    column,
                    _("%(count)s values, but the commitment has %(plans)s action plans.")
                    % {"count": len(values), "plans": count},
                )
                return []
        plans = []
        for index in range(count):
            slug = slugs[index] if slugs else ""
            title = titles[index] if titles else ""
            plan = self.plans_by_slug.get(slug) if slug else None
            plan = plan or (self.plans_by_title.get(title.lower()) if title else None)
            plan = plan or self.new_plans.get(
                slug or slugify(title)[: max_length(ActionPlan, "slug")]
            )
            if plan is None:
                plan = self.new_plan(line, index, slug, title, periods, members)
            if plan is not None and plan not in plans:
                plans.append(plan)
        return plans

    def new_plan(self, line, index, slug, title, periods, members) -> NewPlan | None:
        if not title:
            self.problem(
                line,
                "Action Plan Slug",
                _("No action plan has the identifier “%(slug)s”; give its title to create it.")
                % {"slug": slug},
            )
            return None
        for column, text, name in (
            ("Action Plan Slug", slug, "slug"),
            ("Action Plan", title, "title"),
        ):
            if message := too_long(text, max_length(ActionPlan, name)):
                self.problem(line, column, message)
                return None
        if slug:
            try:
                validate_slug(slug)
            except ValidationError as error:
                self.problem(line, "Action Plan Slug", error.messages[0])
                return None
        slug = slug or slugify(title)[: max_length(ActionPlan, "slug")]
        if slug in self.plans_by_slug:
            self.problem(
                line,
                "Action Plan",
                _("The identifier “%(slug)s” belongs to another action plan.") % {"slug": slug},
            )
            return None
        period = (
            periods[index] if index < len(periods) else (periods[0] if len(periods) == 1 else "")
        )
        match = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", period)
        if not match or int(match[2]) < int(match[1]):
            self.problem(
                line,
                "Action Plan Period",
                _("To create the action plan “%(title)s”, give its period, for example 2021-2022.")
                % {"title": title},
            )
            return None
        name = members[index] if index < len(members) else (members[0] if len(members) == 1 else "")
        if not name:
            self.problem(
                line,
                "Country/Locality",
                _("To create the action plan “%(title)s”, name its member.") % {"title": title},
            )
            return None
        member = self.members.get(name.lower())
        if member is None:
            if message := too_long(name, max_length(Member, "name")):
                self.problem(line, "Country/Locality", message)
                return None
            member = self.new_members.setdefault(name.lower(), name)
        plan = NewPlan(slug, title, int(match[1]), int(match[2]), member)
        self.new_plans[slug] = plan
        return plan

    def match(self, row: Row) -> None:
        """Find the commitment a row updates (see the module's rules); None means create."""
        if row.ogp_id:
            row.commitment = Commitment.objects.filter(ogp_id=row.ogp_id).first()
            return
        plan = row.plans[0]
        local = (row.number,) if row.number else (row.title.lower(),)
        key = (id(plan), *local)
        if key in self.local_keys:
            column = "Commitment Number" if row.number else "Commitment Title"
            self.problem(
                row.line,
                column,
                _(
                    "Line %(line)s already has a commitment without OGP ID with this number "
                    "(or title) in this action plan."
                )
                % {"line": self.local_keys[key]},
            )
            return
        self.local_keys[key] = row.line
        if isinstance(plan, NewPlan):
            return
        candidates = Commitment.objects.filter(ogp_id="", action_plans=plan)
        if row.number:
            candidates = candidates.filter(number=row.number)
        else:
            candidates = candidates.filter(title__iexact=row.title)
        found = list(candidates[:2])
        if len(found) > 1:
            self.problem(
                row.line,
                "Commitment Unique Identifier",
                _(
                    "Several commitments without OGP ID match this row in “%(plan)s”; "
                    "give them OGP IDs or numbers first."
                )
                % {"plan": plan.title},
            )
        elif found:
            row.commitment = found[0]


# --- Milestones --------------------------------------------------------------------------------


# The Spanish names of the statuses (domain table), accepted whatever the active language.
SPANISH_STATUSES = {
    "sin reporte": MilestoneStatus.NOT_REPORTED,
    "no iniciado": MilestoneStatus.NOT_STARTED,
    "en progreso": MilestoneStatus.IN_PROGRESS,
    "estancado": MilestoneStatus.STUCK,
    "terminado": MilestoneStatus.FINISHED,
    "incompleto": MilestoneStatus.INCOMPLETE,
}


def parse_status(text: str) -> str:
    """A status code (“in_progress”) or its English or Spanish name (“In progress”)."""
    from django.utils import translation

    value = text.strip().lower()
    if value in SPANISH_STATUSES:
        return SPANISH_STATUSES[value]
    for code, label in MilestoneStatus.choices:
        names = {code, code.replace("_", " "), str(label).lower()}
        with translation.override("en"):
            names.add(str(label).lower())
        if value in names:
            return code
    raise ValueError(
        _("“%(value)s” is not a status; use one of: %(codes)s.")
        % {"value": text.strip(), "codes": ", ".join(MilestoneStatus.values)}
    )


class _MilestoneImport:
    """Milestones matched on their commitment and number; status changes through the service."""

    def __init__(self, report: ImportReport, by, file: str):
        self.report, self.by, self.file = report, by, file
        self.institutions = {}
        for institution in Institution.objects.all():
            for name in (institution.name, institution.name_en):
                if name:
                    self.institutions.setdefault(name.lower(), institution)

    def problem(self, line: int, column: str, message) -> None:
        self.report.problems.append(Problem(line, column, str(message), self.file))

    def commitment_of(self, line: int, get: dict) -> Commitment | None:
        ogp_id = get["Commitment Unique Identifier"].upper()
        if ogp_id:
            found = Commitment.objects.filter(ogp_id=ogp_id).first()
            if found is None:
                self.problem(
                    line,
                    "Commitment Unique Identifier",
                    _("No commitment has the OGP ID %(id)s.") % {"id": ogp_id},
                )
            return found
        slug, number = get["Action Plan Slug"], get["Commitment Number"]
        found = list(
            Commitment.objects.filter(ogp_id="", action_plans__slug=slug, number=number)[:2]
            if slug and is_ascii_digits(number) and len(number) <= 5
            else []
        )
        if len(found) != 1:
            self.problem(
                line,
                "Commitment Number",
                _(
                    "Without an OGP ID, give the action plan’s identifier and the commitment’s "
                    "number of exactly one commitment."
                ),
            )
            return None
        return found[0]

    def run(self, raw_rows) -> None:
        seen: dict[tuple[int, int], int] = {}
        plan = []
        for line, data in raw_rows:
            before = len(self.report.problems)
            get = {name: data[name].strip() for name in IMPORTED_MILESTONE_COLUMNS}
            commitment = self.commitment_of(line, get)
            number = None
            try:
                number = int(get["Milestone Number"])
                if not 1 <= number <= 32767:
                    raise ValueError
            except ValueError:
                self.problem(line, "Milestone Number", _("Write a whole number from 1."))
            if commitment and number:
                key = (commitment.pk, number)
                if key in seen:
                    self.problem(
                        line,
                        "Milestone Number",
                        _("Line %(line)s has the same commitment and milestone number.")
                        % {"line": seen[key]},
                    )
                seen.setdefault(key, line)
            title = get["Milestone Title"]
            if not title or len(title) > max_length(Milestone, "title"):
                self.problem(
                    line,
                    "Milestone Title",
                    _("A milestone needs a title of at most %(limit)s characters.")
                    % {"limit": max_length(Milestone, "title")},
                )
            months = {}
            for column in ("Start", "End"):
                months[column] = None
                if get[column]:
                    try:
                        months[column] = parse_month(get[column])
                    except ValueError as error:
                        self.problem(line, column, error)
            if months["Start"] and months["End"] and months["End"] < months["Start"]:
                self.problem(line, "End", _("A milestone cannot end before it starts."))
            try:
                status = parse_status(get["Status"] or "not_started")
            except ValueError as error:
                self.problem(line, "Status", error)
                status = None
            responsible = None
            if name := get["Responsible Institution"]:
                responsible = self.institutions.get(name.lower())
                if responsible is None and (
                    message := too_long(name, max_length(Institution, "name"))
                ):
                    self.problem(line, "Responsible Institution", message)
                elif responsible is None:
                    responsible = Institution.objects.create(
                        name=name, slug=_free_slug(Institution, slugify(name)[:190] or "i")
                    )
                    self.institutions[name.lower()] = responsible
                    self.report.new_institutions.append(name)
            if len(self.report.problems) == before:
                plan.append((line, commitment, number, title, get, months, status, responsible))
        if self.report.problems:
            return
        for line, commitment, number, title, get, months, status, responsible in plan:
            self.write(line, commitment, number, title, get, months, status, responsible)

    def write(self, line, commitment, number, title, get, months, status, responsible) -> None:
        milestone = commitment.milestones.filter(number=number).first()
        before = self.snapshot(milestone) if milestone else None
        milestone = milestone or Milestone(commitment=commitment, number=number)
        milestone.title, milestone.description = title, get["Description"]
        milestone.start, milestone.end = months["Start"], months["End"]
        milestone.responsible_institution = responsible
        try:
            milestone.full_clean(exclude=["status"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(line, {"start": "Start", "end": "End"}.get(name, ""), message)
            return
        milestone.save()
        if status != milestone.status:
            if self.by is None or not can_update_milestone(self.by, milestone):
                self.problem(
                    line,
                    "Status",
                    _("Changing a status needs a user who may update this milestone."),
                )
                return
            change_milestone_status(
                milestone=milestone,
                new_status=status,
                by=self.by,
                note=_("Imported from a file."),
            )
        after = self.snapshot(milestone)
        key = f"{commitment.key} #{number}"
        if before is None:
            self.report.milestone_rows.append(RowChange(line, key, title, "create"))
        else:
            changed = [name for name in after if before[name] != after[name]]
            self.report.milestone_rows.append(
                RowChange(line, key, title, "update" if changed else "unchanged", changed)
            )

    @staticmethod
    def snapshot(milestone: Milestone) -> dict[str, str]:
        fresh = Milestone.objects.select_related("commitment", "responsible_institution").get(
            pk=milestone.pk
        )
        record = milestone_record(fresh, fresh.commitment, [])
        return {
            name: cell(record[name])
            for name in IMPORTED_MILESTONE_COLUMNS
            if name not in ("Commitment Unique Identifier", "Action Plan Slug", "Commitment Number")
        }


# --- Writing -----------------------------------------------------------------------------------


def snapshot(commitment: Commitment) -> dict[str, str]:
    """The commitment as the import's columns read it (all its plans, published or not)."""
    fresh = (
        Commitment.objects.select_related("primary_policy_area", "primary_sector")
        .prefetch_related(
            Prefetch(
                "action_plans",
                queryset=ActionPlan.objects.select_related("member").order_by("start_year", "slug"),
                to_attr="all_plans",
            ),
            Prefetch(
                "institution_roles",
                queryset=CommitmentInstitution.objects.select_related("institution"),
            ),
            "ogp_values",
        )
        .get(pk=commitment.pk)
    )
    record = commitment_record(fresh, fresh.all_plans, {})
    return {name: cell(record[name]) for name in IMPORTED_COLUMNS}


def _write(rows: list[Row], reader: _Reader, report: ImportReport) -> None:
    members = {}
    for key, name in reader.new_members.items():
        members[key] = Member.objects.create(
            name=name, slug=_free_slug(Member, slugify(name) or "member"), kind=Member.Kind.LOCAL
        )
        report.new_members.append(name)
    plans = {}
    for slug, new in reader.new_plans.items():
        member = new.member if isinstance(new.member, Member) else members[new.member.lower()]
        plans[slug] = ActionPlan.objects.create(
            member=member,
            title=new.title,
            slug=slug,
            start_year=new.start_year,
            end_year=new.end_year,
            status=ActionPlan.Status.PUBLISHED if new.published else ActionPlan.Status.DRAFT,
        )
        report.new_plans.append(new.title)
    institutions = {}
    for key, name in reader.new_institutions.items():
        institutions[key] = Institution.objects.create(
            name=name, slug=_free_slug(Institution, slugify(name)[:190] or "institution")
        )
        report.new_institutions.append(name)
    values = {value.slug: value for value in OGPValue.objects.all()}

    for row in rows:
        commitment = row.commitment or Commitment()
        before = snapshot(commitment) if commitment.pk else None
        commitment.ogp_id = row.ogp_id
        commitment.number = row.number
        commitment.title = row.title
        commitment.short_title = row.short_title
        for name, text in row.texts.items():
            setattr(commitment, name, text)
        commitment.start, commitment.end = row.start, row.end
        commitment.primary_policy_area = row.policy_area
        commitment.primary_sector = row.sector
        commitment.is_published = row.published
        try:
            commitment.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    report.problems.append(Problem(row.line, FIELD_COLUMNS.get(name, ""), message))
            continue
        commitment.save()

        listed = [plan if isinstance(plan, ActionPlan) else plans[plan.slug] for plan in row.plans]
        # Exports leave unpublished plans out: importing one back must not unlink them.
        hidden = (
            commitment.action_plans.exclude(status=ActionPlan.Status.PUBLISHED) if before else []
        )
        commitment.action_plans.set([*listed, *[p for p in hidden if p not in listed]])
        commitment.ogp_values.set([values[slug] for slug in row.values if slug in values])

        wanted = {}
        for role, found in (
            (CommitmentInstitution.Role.LEAD, row.lead),
            (CommitmentInstitution.Role.SUPPORTING, row.supporting),
        ):
            for institution in found:
                if not isinstance(institution, Institution):
                    institution = institutions[institution.lower()]
                wanted[institution.pk] = role
        for link in commitment.institution_roles.all():
            role = wanted.pop(link.institution_id, None)
            if role is None:
                link.delete()
            elif link.role != role:
                link.role = role
                link.save(update_fields=["role"])
        CommitmentInstitution.objects.bulk_create(
            CommitmentInstitution(commitment=commitment, institution_id=pk, role=role)
            for pk, role in wanted.items()
        )

        after = snapshot(commitment)
        if before is None:
            action, changed = "create", []
        else:
            changed = [name for name in IMPORTED_COLUMNS if before[name] != after[name]]
            action = "update" if changed else "unchanged"
        report.rows.append(
            RowChange(row.line, row.ogp_id or commitment.key, row.title, action, changed)
        )


def _free_slug(model, base: str) -> str:
    slug, number = base[:190], 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base[:190]}-{number}"
        number += 1
    return slug


def _read_file(data: bytes, header: list[str], report: ImportReport, name: str):
    try:
        text, encoding = decode(data)
        report.encoding = report.encoding or encoding
        return read_rows(text, header)
    except _Problems as error:
        report.problems += [replace(p, file=name) for p in error.problems]
        return []


def import_commitments(
    data: bytes | None,
    *,
    milestones: bytes | None = None,
    by=None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a commitments file and/or a milestones file: everything, or nothing at all.

    With ``dry_run`` (the admin's preview) everything is checked and compared, then rolled back.
    Milestone status changes go through ``change_milestone_status`` as ``by``.
    """
    report = ImportReport()
    both = data is not None and milestones is not None
    raw_rows = (
        _read_file(data, COMMITMENT_HEADER, report, "commitments" if both else "")
        if data is not None
        else []
    )
    raw_milestones = (
        _read_file(milestones, MILESTONE_HEADER, report, "milestones" if both else "")
        if milestones is not None
        else []
    )
    if report.problems:
        return report
    reader = _Reader()
    rows = [row for line, values in raw_rows if (row := reader.read(line, values))]
    report.problems = [replace(p, file="commitments" if both else "") for p in reader.problems]
    if report.problems:
        return report
    try:
        with transaction.atomic():
            _write(rows, reader, report)
            if not report.problems and raw_milestones:
                # Read after the commitments are written: a milestone may belong to a new one.
                _MilestoneImport(report, by, "milestones" if both else "").run(raw_milestones)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        if report.problems:
            report.rows, report.milestone_rows = [], []
        return report
    report.written = True
    return report

"""Import commitments (and milestones) from CSV or XLSX files in the export's columns: all or nothing.

Shared by the ``import_commitments`` command and the admin's import jobs (``dataimport``).

Rules (the Data page and the admin page state them too):

* A file holds any of the export's columns, in any order, as long as it has a key: the OGP ID
  (“Commitment Unique Identifier”) or the “Portal Number” (for milestones, the commitment's OGP ID,
  portal number, or action plan and number, plus “Milestone Number”). Only the columns present are
  changed; computed columns are ignored; unknown columns are named and ignored.
* A row with an OGP ID updates the commitment with that ID; else the one with its portal number;
  else the commitment without OGP ID with the same “Commitment Number” (or, without a number, the
  same title) in the row's first action plan. When there is none it creates a commitment, which
  needs a title and an action plan.
* Texts have a plain column (the original version) and one per language (“Commitment Title (es)”,
  “Commitment Title (en)”). With the language columns present, edit those: the plain column
  follows them.
* Action plans are matched on their slug, then their title; an unknown plan is created from its
  title, period and member (“Country/Locality”). Members and institutions are matched on their
  name and created when unknown. Policy area and sector must already exist.
* Milestones are matched on their commitment and number and created when new. A status change
  needs a reason in “Status Note” (different from the note of the previous change) and goes
  through ``change_milestone_status`` as the importing user; “Status Date” (YYYY-MM-DD, not in the
  future, import only) says when the change happened, so a plan's history can be brought in after
  the fact.
* Every value is checked as the admin form checks it. Any problem in any row of either file means
  nothing is written; problems are listed with their line (the header is line 1) and column, the
  first ``MAX_PROBLEMS`` of them with a count of the rest.
* CSV files are UTF-8 (with or without BOM) or Latin-1/Windows-1252, comma- or semicolon-separated;
  the end-of-data row of the portal's downloads is skipped. A leading apostrophe that an export
  put before ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken off again.

Files are read twice as streams (first checked, then written), a chunk of rows at a time, with a
few queries per chunk: memory and time do not depend on the size of the database.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime
import io
import itertools
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commitments.exports import (
    COMMITMENT_COLUMNS,
    COMMITMENT_TEXTS,
    END_MARKER_PATTERN,
    LANGUAGE_NAMES,
    MILESTONE_COLUMNS,
    MILESTONE_TEXTS,
    OGP_VALUE_COLUMNS,
    cell,
    language_column,
    last_note_of,
    month,
    unneutralise,
)
from commitments.models import (
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    ogp_id_validator,
)
from commitments.rollups import refresh_rollups
from commitments.search import COMMITMENT_TEXTS as SEARCH_TEXTS
from commitments.search import MILESTONE_TEXTS as SEARCH_MILESTONE_TEXTS
from commitments.search import _versions, normalise
from commitments.services import can_update_milestone, change_milestone_status
from ogptracker.languages import other_language, translatable_fields
from ogptracker.text import FORBIDDEN_CHARACTERS, clean_instance
from plans.models import ActionPlan, Institution, Member, OGPValue, PolicyArea, Sector
from plans.roles import is_secretariat

# Problems kept and shown; the rest are only counted (a file of bad rows stays cheap to read).
MAX_PROBLEMS = 100
# Rows read, looked up and written together.
CHUNK_ROWS = 500
# An XLSX file is a zip: refuse one that unpacks to more than this (a “zip bomb”).
MAX_UNPACKED_XLSX = 200 * 1024 * 1024

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

OGP_ID = "Commitment Unique Identifier"
PORTAL_NUMBER = "Portal Number"
COMMITMENT_PORTAL_NUMBER = "Commitment Portal Number"
PLAN_COLUMNS = ("Action Plan", "Action Plan Slug")


def _import_columns(columns, texts) -> list[str]:
    names = [column.name for column in columns if not column.derived]
    return names


COMMITMENT_IMPORT_COLUMNS = _import_columns(COMMITMENT_COLUMNS, COMMITMENT_TEXTS)
MILESTONE_IMPORT_COLUMNS = _import_columns(MILESTONE_COLUMNS, MILESTONE_TEXTS)
# The milestone columns an import changes (the others find the milestone).
MILESTONE_CONTENT = {
    "Start",
    "End",
    "Status",
    "Responsible Institution",
    "Original Language",
    *MILESTONE_TEXTS,
    *(language_column(name, code) for name in MILESTONE_TEXTS for code in LANGUAGE_NAMES),
}
COMMITMENT_KNOWN = {column.name for column in COMMITMENT_COLUMNS}
# Import only: the day a status change happened (an entry's “happened on”), when not today.
STATUS_DATE = "Status Date"
MILESTONE_KNOWN = {column.name for column in MILESTONE_COLUMNS} | {STATUS_DATE}

# Model fields → the column a problem with them is reported on.
COMMITMENT_FIELD_COLUMNS = {
    "ogp_id": OGP_ID,
    "number": "Commitment Number",
    "start": "Start",
    "end": "End",
    "original_language": "Original Language",
    "is_published": "Published",
}
MILESTONE_FIELD_COLUMNS = {
    "number": "Milestone Number",
    "start": "Start",
    "end": "End",
    "status": "Status",
    "original_language": "Original Language",
}


# --- What an import reports ----------------------------------------------------------------------


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


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass
class RowChange:
    line: int
    key: str
    title: str
    action: str  # "create", "update" or "unchanged"
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return [change.column for change in self.changes]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or with problems, would do)."""

    rows: list[RowChange] = field(default_factory=list)
    milestone_rows: list[RowChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # problems beyond MAX_PROBLEMS, counted only
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)  # (file, column)
    new_members: list[str] = field(default_factory=list)
    new_plans: list[str] = field(default_factory=list)
    new_institutions: list[str] = field(default_factory=list)
    encoding: str = ""
    formats: list[str] = field(default_factory=list)
    written: bool = False

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    @property
    def ok(self) -> bool:
        return not self.problem_count

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

    def as_dict(self, preview_rows: int = 1000) -> dict:
        """A JSON-ready summary (import jobs keep it): counts, problems, the first changed rows."""

        def rows(found: list[RowChange]) -> list[dict]:
            changed = [row for row in found if row.action != "unchanged"][:preview_rows]
            return [
                {
                    "line": row.line,
                    "key": row.key,
                    "title": row.title,
                    "action": row.action,
                    "changes": [[c.column, c.old, c.new] for c in row.changes],
                }
                for row in changed
            ]

        return {
            "counts": {"create": self.created, "update": self.updated, "unchanged": self.unchanged},
            "milestone_counts": self.milestone_counts,
            "rows": rows(self.rows),
            "milestone_rows": rows(self.milestone_rows),
            "problems": [[p.file, p.line, p.column, p.message] for p in self.problems],
            "more_problems": self.more_problems,
            "unknown_columns": [list(pair) for pair in self.unknown_columns],
            "new_members": self.new_members,
            "new_plans": self.new_plans,
            "new_institutions": self.new_institutions,
            "encoding": self.encoding,
            "formats": self.formats,
        }


class _Problems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


class _Rollback(Exception):
    pass


def max_length(model, name: str) -> int:
    """The longest text the database takes in ``model.name``."""
    return model._meta.get_field(name).max_length


def too_long(text: str, limit: int) -> str | None:
    """The problem of ``text`` when it is longer than ``limit``, else None."""
    if len(text) <= limit:
        return None
    return _("At most %(limit)s characters (this has %(length)s).") % {
        "limit": limit,
        "length": len(text),
    }


# --- Reading files -------------------------------------------------------------------------------

# A file to import: its bytes, or a function that opens it (read twice, as a stream each time).
Source = bytes | Callable[[], BinaryIO]


def _open(source: Source) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source()


def _not_text() -> str:
    return _(
        "The file is not UTF-8 or Latin-1 text, nor an XLSX spreadsheet (or it holds control "
        "characters): save it as “CSV UTF-8” or as an Excel workbook (.xlsx) and try again."
    )


def _encoding(stream: BinaryIO) -> tuple[str, str]:
    """The codec and the name of a text file's encoding, read as a stream."""
    for codec, name in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            while block := stream.read(64 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        stream.seek(0)
        return codec, name
    stream.seek(0)
    return "latin-1", "Latin-1"


class Table:
    """The header and rows of one CSV or XLSX file, read lazily."""

    def __init__(self, source: Source, file: str, report: ImportReport):
        self.source, self.file, self.report = source, file, report
        self.format = ""

    def problem(self, line: int, column: str, message: str) -> None:
        self.report.add(Problem(line, column, str(message), self.file))

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) from the header (line 1) on; raises _Problems for an unreadable file."""
        stream = _open(self.source)
        try:
            start = stream.read(8)
            stream.seek(0)
            if not start.strip(b" \t\r\n\xef\xbb\xbf"):
                raise _Problems([Problem(1, "", _("The file is empty."), self.file)])
            if start.startswith(b"PK\x03\x04"):
                self.format = "XLSX"
                yield from self._xlsx_rows(stream)
            elif start.startswith((b"\xff\xfe", b"\xfe\xff", b"\xd0\xcf\x11\xe0")):
                raise _Problems([Problem(1, "", _not_text(), self.file)])
            else:
                self.format = "CSV"
                yield from self._csv_rows(stream)
        finally:
            stream.close()

    def _csv_rows(self, stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        codec, name = _encoding(stream)
        self.report.encoding = self.report.encoding or name
        text = io.TextIOWrapper(stream, encoding=codec, newline="")
        first = text.readline()
        delimiter = ","
        for candidate in (";", "\t"):
            if candidate in first and "," not in first:
                delimiter = candidate
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=False)
        # Lines are counted as a spreadsheet numbers rows (the header is line 1), so a cell that
        # spans several lines of text does not shift the numbers of the rows after it.
        line = 0
        try:
            for values in reader:
                line += 1
                if any(FORBIDDEN_CHARACTERS.search(value) for value in values):
                    raise _Problems([Problem(line, "", _not_text(), self.file)])
                yield line, values
        except csv.Error as error:
            self.problem(line + 1, "", _("The file is not valid CSV: %(error)s") % {"error": error})
        finally:
            text.detach()

    def _xlsx_rows(self, stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        from openpyxl import load_workbook

        try:
            unpacked = sum(item.file_size for item in zipfile.ZipFile(stream).infolist())
            stream.seek(0)
            if unpacked > MAX_UNPACKED_XLSX:
                raise _Problems(
                    [Problem(1, "", _("The spreadsheet is too large once unpacked."), self.file)]
                )
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise _Problems(
                [Problem(1, "", _("The file is not a readable XLSX spreadsheet."), self.file)]
            ) from None
        try:
            sheet = workbook.worksheets[0]
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                texts = [xlsx_text(value) for value in values]
                if any(FORBIDDEN_CHARACTERS.search(text) for text in texts):
                    raise _Problems([Problem(line, "", _not_text(), self.file)])
                yield line, texts
        finally:
            workbook.close()


def xlsx_text(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def read_table(
    table: Table, known: set[str], keys: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as (line, {column: text}) of the known columns present, after checking the header."""
    rows = table.rows()
    try:
        _line, header = next(rows)
    except StopIteration:
        raise _Problems([Problem(1, "", _("The file is empty."), table.file)]) from None
    header = [name.strip().lstrip("\ufeff") for name in header]
    if table.format == "XLSX":
        while header and not header[-1]:
            header.pop()
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(1, name, _("This column appears more than once."), table.file))
        seen.add(name)
    if not seen & set(keys):
        problems.append(
            Problem(
                1,
                "",
                _("The file needs a key column: %(columns)s.")
                % {"columns": _(" or ").join(f"“{key}”" for key in keys)},
                table.file,
            )
        )
    if problems:
        raise _Problems(problems)
    for name in header:
        if name and name not in known:
            table.report.unknown_columns.append((table.file, name))
    wanted = [(index, name) for index, name in enumerate(header) if name in known]
    count = 0
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        first = values[0].strip() if values else ""
        if END_MARKER_PATTERN.fullmatch(first) and not any(v.strip() for v in values[1:]):
            continue  # the end-of-data row of the portal's downloads
        if table.format == "CSV" and len(values) != len(header):
            table.problem(
                line,
                "",
                _("This row has %(cells)s cells; the header has %(columns)s.")
                % {"cells": len(values), "columns": len(header)},
            )
            continue
        if table.format == "XLSX" and any(v.strip() for v in values[len(header) :]):
            table.problem(line, "", _("This row has cells beyond the last column of the header."))
            continue
        values = [*values, *[""] * (len(header) - len(values))]
        count += 1
        yield line, {name: unneutralise(values[index].strip()) for index, name in wanted}
    if not count and table.report.ok:
        table.problem(2, "", _("The file has a header but no rows."))
    if table.format:
        label = table.format
        if label not in table.report.formats:
            table.report.formats.append(label)


def chunks(rows: Iterator, size: int = CHUNK_ROWS) -> Iterator[list]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def parse_day(text: str) -> datetime.date:
    """A day as YYYY-MM-DD (a spreadsheet's date cell reads so), not in the future."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": text.strip()}
        ) from None
    if day > timezone.localdate():
        raise ValueError(_("The date a fact happened cannot be in the future."))
    return day


def parse_month(text: str) -> datetime.date:
    """A month as OGP writes it: “Feb 2022”, “February 2022”, “02/2022”, “2022-02(-01)”."""
    value = text.strip().lower().replace(",", " ").replace(".", " ")
    year = month_number = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value):
        year, month_number = int(match[1]), int(match[2])
        if match[3]:
            try:
                datetime.date(year, month_number, int(match[3]))
            except ValueError:
                year = None
    elif match := re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", value):
        month_number, year = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"([a-zé]+)[\s-]*(?:de\s+)?(\d{4})", value):
        month_number, year = MONTHS.get(match[1]), int(match[2])
    if not year or not month_number or not 1 <= month_number <= 12 or not 1900 <= year <= 2200:
        raise ValueError(
            _("“%(value)s” is not a month: write it like “Feb 2022”, “02/2022” or “2022-02”.")
            % {"value": text.strip()}
        )
    return datetime.date(year, month_number, 1)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s” is neither “Yes” nor “No”.") % {"value": text.strip()})


def parse_number(text: str) -> int:
    """A whole number from 1 (as small fields take), else ValueError."""
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 32767:
        raise ValueError
    return int(text)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# The Spanish names of the statuses (domain table), accepted whatever the active language.
SPANISH_STATUSES = {
    "sin reporte": "not_reported",
    "no iniciado": "not_started",
    "en progreso": "in_progress",
    "estancado": "stuck",
    "terminado": "finished",
    "incompleto": "incomplete",
}


def parse_status(text: str) -> str:
    """A status code (“in_progress”) or its English or Spanish name (“In progress”)."""
    value = text.strip().lower()
    if SPANISH_STATUSES.get(value) in MilestoneStatus.values:
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


# --- Texts in two languages ----------------------------------------------------------------------


def read_texts(importer, line: int, get: dict[str, str], texts: dict[str, str], obj) -> dict:
    """The new versions {field_es: text, …} of the texts whose columns are present.

    A plain column alone sets the original version. Next to its language columns it follows
    them: it must be unchanged or equal to the version they give, so an edit made only in the
    plain column is refused rather than silently lost.
    """
    language = get.get("Original Language") or (obj.original_language if obj else "")
    original = language or (translation.get_language() or "es")[:2]
    original = original if original in LANGUAGE_NAMES else "es"
    versions: dict[str, str] = {}
    for column, name in texts.items():
        given = [code for code in LANGUAGE_NAMES if language_column(column, code) in get]
        for code in given:
            versions[f"{name}_{code}"] = get[language_column(column, code)]
        if column not in get:
            continue
        if not any(get[language_column(column, code)] for code in given):
            # No language column holds this text: the plain column gives the original version.
            versions[f"{name}_{original}"] = get[column]
            continue

        def version(code: str, name: str = name) -> str:
            return versions.get(f"{name}_{code}", obj.text_in(name, code) if obj else "")

        follows = version(original) or version(other_language(original))
        before = ""
        if obj is not None:
            had = obj.original_language or "es"
            before = obj.text_in(name, had) or obj.text_in(name, other_language(had))
        if get[column] not in (follows, before):
            importer.problem(
                line,
                column,
                _("This text differs from its language columns: edit it in “%(column)s”.")
                % {"column": language_column(column, original)},
            )
    return versions


def required_text(importer, line: int, get: dict[str, str], column: str, message: str) -> None:
    """A problem when the row empties every version of a required text."""
    columns = [column, *(language_column(column, code) for code in LANGUAGE_NAMES)]
    present = [name for name in columns if name in get]
    languages = [name for name in present if name != column]
    if present and len(languages) != 1 and not any(get[name] for name in present):
        importer.problem(line, present[0], message)


def text_record(obj, texts: dict[str, str]) -> dict[str, str]:
    """The cells of an object's texts: plain (original version) and per language."""
    original = obj.original_language or "es"
    record = {"Original Language": obj.original_language or ""}
    for column, name in texts.items():
        record[column] = obj.text_in(name, original) or obj.text_in(name, other_language(original))
        for code in LANGUAGE_NAMES:
            record[language_column(column, code)] = obj.text_in(name, code)
    return record


def _put(obj, changed: set[str], name: str, value) -> None:
    """Set ``obj.name`` and note it when the value differs."""
    if getattr(obj, name) != value:
        setattr(obj, name, value)
        changed.add(name)


def _diff(old: dict[str, str], new: dict[str, str], columns) -> list[FieldChange]:
    return [
        FieldChange(column, old.get(column, ""), new.get(column, ""))
        for column in columns
        if old.get(column, "") != new.get(column, "")
    ]


def _clean_errors(importer, line, get, error: ValidationError, columns: dict, texts: dict):
    """Report a full_clean error on the column the field comes from, once per column."""
    by_field = {name: column for column, name in texts.items()}
    reported = set()
    for name, messages in error.message_dict.items():
        column = columns.get(name, "")
        base, _sep, code = name.rpartition("_")
        if name in by_field:
            column = by_field[name]
        elif code in LANGUAGE_NAMES and base in by_field:
            column = language_column(by_field[base], code)
            if not get.get(column) and by_field[base] in get:
                column = by_field[base]
        if column in reported:
            continue
        reported.add(column)
        importer.problem(line, column, messages[0])


def _first_errors(importer, line: int, error: ValidationError, column_of) -> None:
    """Report a full_clean error of a related object, once per column."""
    reported = set()
    for name, messages in error.message_dict.items():
        column = column_of(name)
        if column not in reported:
            reported.add(column)
            importer.problem(line, column, messages[0])


def _bulk_write(model, objects: list, fields: list[str] | None = None) -> None:
    """bulk_create (or bulk_update of ``fields``) keeping what ``Translatable.save`` keeps: the
    original language and the plain column holding the original version."""
    if not objects:
        return
    names = translatable_fields(model)
    groups = defaultdict(list)
    for obj in objects:
        if not obj.original_language:
            obj.original_language = obj._guess_original_language(names)
        clean_instance(obj)
        groups[obj.original_language].append(obj)
    if fields is not None:
        fields = sorted(
            {*fields, "original_language"}
            | {plain for plain in names if {f"{plain}_es", f"{plain}_en"} & set(fields)}
        )
    for code, group in groups.items():
        with translation.override(code):
            manager = model.objects.rewrite(False)
            if fields is None:
                manager.bulk_create(group, batch_size=CHUNK_ROWS)
            else:
                manager.bulk_update(group, fields, batch_size=CHUNK_ROWS)


_BLANKS: dict = {}


def _blank(model):
    """A new, unsaved instance: a copy of one built once (building one per row costs ~1 ms)."""
    if model not in _BLANKS:
        _BLANKS[model] = model()
    return copy.copy(_BLANKS[model])


def _refresh_search(commitment_ids) -> None:
    """Recompute ``search_text`` (see ``commitments.search``) of many commitments in a few queries:
    the same parts, in the same order, as ``commitment_search_text``."""
    ids = sorted(set(commitment_ids))
    for start in range(0, len(ids), CHUNK_ROWS):
        chunk = ids[start : start + CHUNK_ROWS]
        parts = defaultdict(list)
        commitments = list(Commitment.objects.filter(pk__in=chunk))
        for commitment in commitments:
            parts[commitment.pk] += [commitment.ogp_id or "", *_versions(commitment, SEARCH_TEXTS)]
        for milestone in Milestone.objects.filter(commitment_id__in=chunk):
            parts[milestone.commitment_id] += _versions(milestone, SEARCH_MILESTONE_TEXTS)
        roles = CommitmentInstitution.objects.filter(commitment_id__in=chunk).select_related(
            "institution"
        )
        for role in roles:
            institution = role.institution
            parts[role.commitment_id] += [
                institution.name,
                institution.name_en,
                institution.acronym,
            ]
        for commitment in commitments:
            commitment.search_text = normalise(
                " ".join(part for part in parts[commitment.pk] if part)
            )
        Commitment.objects.rewrite(False).bulk_update(
            commitments, ["search_text"], batch_size=CHUNK_ROWS
        )


# --- Commitments ---------------------------------------------------------------------------------


@dataclass
class NewPlan:
    slug: str
    title: str
    start_year: int
    end_year: int
    member: Member | str  # a name when the member is new too
    published: bool = False
    pk: None = None


@dataclass
class Row:
    line: int
    get: dict[str, str]
    ogp_id: str | None = None
    portal: int | None = None
    number: int | None = None
    versions: dict = field(default_factory=dict)
    plans: list | None = None  # ActionPlan or NewPlan
    lead: list | None = None  # Institution or a new name
    supporting: list | None = None
    values: dict[str, bool] = field(default_factory=dict)
    start: datetime.date | None = None
    end: datetime.date | None = None
    policy_area: PolicyArea | None = None
    sector: Sector | None = None
    published: bool | None = None
    commitment: Commitment | None = None


def _plan_cells(plans: list) -> dict[str, str]:
    def member_name(plan) -> str:
        member = plan.member
        return member.name if isinstance(member, Member) else member

    return {
        "Country/Locality": cell([member_name(plan) for plan in plans]),
        "Action Plan": cell([plan.title for plan in plans]),
        "Action Plan Slug": cell([plan.slug for plan in plans]),
        "Action Plan Period": cell([f"{plan.start_year}-{plan.end_year}" for plan in plans]),
    }


class _Importer:
    """What both files share: the vocabularies, new members, plans and institutions, problems."""

    def __init__(self, report: ImportReport, by, progress=None):
        self.report, self.by, self.progress = report, by, progress
        self.file = ""
        self.load()
        self.new_plans: dict[str, NewPlan] = {}
        self.new_members: dict[str, str] = {}
        self.new_institutions: dict[str, str] = {}
        # Commitments the commitments file creates, for milestones of the same import.
        self.pending_ogp_ids: set[str] = set()
        self.pending_local: set[tuple[str, int]] = set()
        # What the written rows touched, for the roll-ups and public flags (bulk writes send
        # no signals): commitments written or given milestones, plans a commitment left.
        self.touched_commitments: set[int] = set()
        self.touched_plans: set[int] = set()

    def load(self) -> None:
        plans = ActionPlan.objects.select_related("member").order_by("pk")
        self.plans_by_slug = {plan.slug: plan for plan in plans}
        self.plans_by_title = {}
        for plan in self.plans_by_slug.values():
            for title in (plan.title_es, plan.title_en, plan.title):
                if title:
                    self.plans_by_title.setdefault(title.lower(), plan)
        self.members = {}
        self.member_slugs = set()
        for member in Member.objects.all():
            self.member_slugs.add(member.slug)
            for name in (member.slug, member.name_es, member.name_en, member.display_name):
                if name:
                    self.members.setdefault(name.lower(), member)
        self.institutions = {}
        self.institution_slugs = set()
        for institution in Institution.objects.all():
            self.institution_slugs.add(institution.slug)
            for name in (institution.name, institution.name_en):
                if name:
                    self.institutions.setdefault(name.lower(), institution)
        self.policy_areas = self._vocabulary(PolicyArea)
        self.sectors = self._vocabulary(Sector)
        self.values = {value.slug: value for value in OGPValue.objects.all()}

    @staticmethod
    def _vocabulary(model) -> dict:
        terms = {}
        for term in model.objects.all():
            for name in (term.slug, term.name, term.name_es):
                if name:
                    terms.setdefault(name.lower(), term)
        return terms

    def problem(self, line: int, column: str, message) -> None:
        self.report.add(Problem(line, column, str(message), self.file))

    def tick(self, stage: str, done: int) -> None:
        if self.progress:
            self.progress(stage, done)

    # -- Shared readers --

    def institution(self, line: int, column: str, name: str):
        found = self.institutions.get(name.lower())
        if found is not None:
            return found
        if message := too_long(name, max_length(Institution, "name")):
            self.problem(line, column, message)
            return None
        key = name.lower()
        if key not in self.new_institutions:
            candidate = Institution(name=name, slug=self.free_slug(name, self.institution_slugs))
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as error:
                _first_errors(self, line, error, lambda name: column)
                return None
            self.new_institutions[key] = name
        return self.new_institutions[key]

    @staticmethod
    def free_slug(name: str, taken: set[str]) -> str:
        base = (slugify(name) or "item")[:190]
        slug, number = base, 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        taken.add(slug)
        return slug

    def create_new(self) -> None:
        """Write the new members, plans and institutions (second pass only)."""
        members = {}
        for key, name in self.new_members.items():
            members[key] = Member.objects.create(
                name=name, slug=self.free_slug(name, set(self._slugs(Member))), kind="local"
            )
            self.report.new_members.append(name)
        for slug, new in self.new_plans.items():
            member = new.member if isinstance(new.member, Member) else members[new.member.lower()]
            ActionPlan.objects.create(
                member=member,
                title=new.title,
                slug=slug,
                start_year=new.start_year,
                end_year=new.end_year,
                status=ActionPlan.Status.PUBLISHED if new.published else ActionPlan.Status.DRAFT,
            )
            self.report.new_plans.append(new.title)
        for name in self.new_institutions.values():
            Institution.objects.create(
                name=name, slug=self.free_slug(name, set(self._slugs(Institution)))
            )
            self.report.new_institutions.append(name)
        self.new_members, self.new_plans, self.new_institutions = {}, {}, {}
        self.load()

    @staticmethod
    def _slugs(model):
        return model.objects.values_list("slug", flat=True)


class _Commitments:
    def __init__(self, importer: _Importer):
        self.importer = importer
        self.ogp_ids: dict[str, int] = {}
        self.local_keys: dict[tuple, int] = {}
        self.matched: dict[int, int] = {}

    def problem(self, line, column, message) -> None:
        self.importer.problem(line, column, message)

    def run(self, rows: Iterator[tuple[int, dict[str, str]]], *, write: bool) -> None:
        done = 0
        for chunk in chunks(rows):
            parsed = [row for line, get in chunk if (row := self.parse(line, get))]
            self.match(parsed)
            self.compare(parsed, write=write and self.importer.report.ok)
            done += len(chunk)
            self.importer.tick("commitments", done)

    # -- Reading a row --

    def parse(self, line: int, get: dict[str, str]) -> Row | None:
        report = self.importer.report
        before = report.problem_count
        row = Row(line=line, get=get)
        if get.get(OGP_ID):
            row.ogp_id = get[OGP_ID].upper()
            try:
                ogp_id_validator(row.ogp_id)
            except ValidationError as error:
                self.problem(line, OGP_ID, error.messages[0])
            if row.ogp_id in self.ogp_ids:
                self.problem(
                    line,
                    OGP_ID,
                    _("The OGP ID %(id)s is also on line %(line)s.")
                    % {"id": row.ogp_id, "line": self.ogp_ids[row.ogp_id]},
                )
            self.ogp_ids.setdefault(row.ogp_id, line)
        elif OGP_ID in get:
            row.ogp_id = ""
        if get.get(PORTAL_NUMBER):
            if re.fullmatch(r"[0-9]{1,12}", get[PORTAL_NUMBER]):
                row.portal = int(get[PORTAL_NUMBER])
            else:
                self.problem(line, PORTAL_NUMBER, _("Write a whole number, or leave it empty."))
        if get.get("Commitment Number"):
            try:
                row.number = parse_number(get["Commitment Number"])
            except ValueError:
                self.problem(
                    line, "Commitment Number", _("Write a whole number from 1, or leave it empty.")
                )
        required_text(self, line, get, "Commitment Title", _("A commitment needs a title."))
        if any(column in get for column in PLAN_COLUMNS):
            row.plans = self.read_plans(line, get)
        for column in ("Lead Institution", "Supporting Institution(s)"):
            if column in get:
                found = [
                    institution
                    for name in dict.fromkeys(split_list(get[column]))
                    if (institution := self.importer.institution(line, column, name)) is not None
                ]
                if column == "Lead Institution":
                    row.lead = found
                else:
                    row.supporting = found
        if row.lead is not None and row.supporting is not None:
            lead_names = {self.name_of(i).lower() for i in row.lead}
            for institution in row.supporting:
                if self.name_of(institution).lower() in lead_names:
                    self.problem(
                        line,
                        "Supporting Institution(s)",
                        _("“%(name)s” is also a lead institution of this commitment.")
                        % {"name": self.name_of(institution)},
                    )
        for column, slug in OGP_VALUE_COLUMNS.items():
            if column in get:
                try:
                    row.values[slug] = parse_bool(get[column])
                except ValueError as error:
                    self.problem(line, column, error)
        if "Published" in get:
            try:
                row.published = parse_bool(get["Published"])
            except ValueError as error:
                self.problem(line, "Published", error)
        for column in ("Start", "End"):
            if get.get(column):
                try:
                    setattr(row, column.lower(), parse_month(get[column]))
                except ValueError as error:
                    self.problem(line, column, error)
        row.policy_area = self.read_term(line, "Policy Area", get, self.importer.policy_areas)
        row.sector = self.read_term(line, "Sector", get, self.importer.sectors)
        if report.problem_count > before:
            return None
        if row.plans and row.published:
            for plan in row.plans:
                if isinstance(plan, NewPlan):
                    plan.published = True
        return row

    @staticmethod
    def name_of(institution) -> str:
        return institution.name if isinstance(institution, Institution) else institution

    def read_term(self, line, column, get, terms):
        name = get.get(column)
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
                    "known": ", ".join(sorted({t.name for t in terms.values()})[:30]),
                },
            )
        return term

    def read_plans(self, line, get) -> list:
        importer = self.importer
        slugs = split_list(get.get("Action Plan Slug", ""))
        titles = split_list(get.get("Action Plan", ""))
        periods = split_list(get.get("Action Plan Period", ""))
        members = split_list(get.get("Country/Locality", ""))
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
            plan = importer.plans_by_slug.get(slug) if slug else None
            plan = plan or (importer.plans_by_title.get(title.lower()) if title else None)
            plan = plan or importer.new_plans.get(
                slug or slugify(title)[: max_length(ActionPlan, "slug")]
            )
            if plan is None:
                plan = self.new_plan(line, index, slug, title, periods, members)
            if plan is not None and plan not in plans:
                plans.append(plan)
        return plans

    def new_plan(self, line, index, slug, title, periods, members) -> NewPlan | None:
        importer = self.importer
        if not title:
            self.problem(
                line,
                "Action Plan Slug",
                _("No action plan has the identifier “%(slug)s”; give its title to create it.")
                % {"slug": slug},
            )
            return None
        slug = slug or slugify(title)[: max_length(ActionPlan, "slug")]
        if slug in importer.plans_by_slug:
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
        member = importer.members.get(name.lower())
        if member is None:
            candidate = Member(
                name=name, slug=importer.free_slug(name, set(importer.member_slugs)), kind="local"
            )
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as error:
                _first_errors(self, line, error, lambda name: "Country/Locality")
                return None
            member = importer.new_members.setdefault(name.lower(), name)
        # Checked as the admin form checks a new plan: the slug's shape, lengths, years.
        candidate = ActionPlan(
            title=title, slug=slug, start_year=int(match[1]), end_year=int(match[2])
        )
        try:
            candidate.full_clean(exclude=["member"], validate_unique=False)
        except ValidationError as error:

            def column_of(name: str) -> str:
                if name == "slug":
                    return "Action Plan Slug"
                return "Action Plan" if name.startswith("title") else "Action Plan Period"

            _first_errors(self, line, error, column_of)
            return None
        plan = NewPlan(slug, title, int(match[1]), int(match[2]), member)
        importer.new_plans[slug] = plan
        return plan

    # -- Finding the commitments of a chunk, in a few queries --

    def match(self, rows: list[Row]) -> None:
        ogp_ids = {row.ogp_id for row in rows if row.ogp_id}
        portals = {row.portal for row in rows if row.portal}
        by_ogp = dict(
            Commitment.objects.filter(ogp_id__in=ogp_ids).values_list("ogp_id", "pk")
            if ogp_ids
            else []
        )
        by_pk = dict(
            Commitment.objects.filter(pk__in=portals).values_list("pk", "ogp_id") if portals else []
        )
        local_rows = []
        for row in rows:
            pk = None
            if row.ogp_id and row.ogp_id in by_ogp:
                pk = by_ogp[row.ogp_id]
                if row.portal and row.portal in by_pk and row.portal != pk:
                    self.problem(
                        row.line,
                        PORTAL_NUMBER,
                        _("The OGP ID %(id)s belongs to commitment %(pk)s, not to this one.")
                        % {"id": row.ogp_id, "pk": pk},
                    )
                    continue
            elif row.portal and row.portal in by_pk:
                current = by_pk[row.portal]
                if row.ogp_id and current and current != row.ogp_id:
                    self.problem(
                        row.line,
                        OGP_ID,
                        _("Commitment %(pk)s has the OGP ID %(id)s.")
                        % {"pk": row.portal, "id": current},
                    )
                    continue
                pk = row.portal
            elif not row.ogp_id and row.plans:
                local_rows.append(row)
                continue
            row.commitment = pk
        self.match_local(local_rows)
        found = {row.commitment for row in rows if row.commitment}
        for row in rows:
            if row.commitment:
                if row.commitment in self.matched:
                    self.problem(
                        row.line,
                        OGP_ID,
                        _("Line %(line)s already updates this commitment.")
                        % {"line": self.matched[row.commitment]},
                    )
                self.matched.setdefault(row.commitment, row.line)
        loaded = {
            commitment.pk: commitment
            for commitment in Commitment.objects.filter(pk__in=found)
            .select_related("primary_policy_area", "primary_sector")
            .prefetch_related(
                Prefetch(
                    "action_plans",
                    queryset=ActionPlan.objects.select_related("member").order_by(
                        "start_year", "slug"
                    ),
                    to_attr="all_plans",
                ),
                Prefetch(
                    "institution_roles",
                    queryset=CommitmentInstitution.objects.select_related("institution"),
                ),
                "ogp_values",
            )
        }
        for row in rows:
            row.commitment = loaded.get(row.commitment) if row.commitment else None

    def match_local(self, rows: list[Row]) -> None:
        """Rows without OGP ID: the commitment with the same number (or title) in the first plan."""
        plan_ids = {row.plans[0].pk for row in rows if isinstance(row.plans[0], ActionPlan)}
        candidates = defaultdict(list)
        if plan_ids:
            for pk, number, title_es, title_en, plan_id in Commitment.objects.filter(
                ogp_id="", action_plans__in=plan_ids
            ).values_list("pk", "number", "title_es", "title_en", "action_plans"):
                candidates[plan_id].append(
                    (pk, number, {(title_es or "").lower(), (title_en or "").lower()})
                )
        for row in rows:
            plan = row.plans[0]
            title = self.row_title(row)
            local = (row.number,) if row.number else (title.lower(),)
            key = (plan.slug, *local)
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
                continue
            self.local_keys[key] = row.line
            if row.number:
                self.importer.pending_local.add((plan.slug, row.number))
            if not isinstance(plan, ActionPlan):
                continue
            found = [
                pk
                for pk, number, titles in candidates.get(plan.pk, [])
                if (number == row.number if row.number else title.lower() in titles)
            ]
            if len(found) > 1:
                self.problem(
                    row.line,
                    OGP_ID,
                    _(
                        "Several commitments without OGP ID match this row in “%(plan)s”; "
                        "give them OGP IDs or numbers first."
                    )
                    % {"plan": plan.title},
                )
            elif found:
                row.commitment = found[0]

    @staticmethod
    def row_title(row: Row) -> str:
        get = row.get
        return (
            get.get("Commitment Title")
            or get.get(language_column("Commitment Title", "es"))
            or get.get(language_column("Commitment Title", "en"))
            or ""
        )

    # -- Comparing and writing --

    @staticmethod
    def record(commitment: Commitment | None, plans: list | None = None) -> dict[str, str]:
        """The import columns of a commitment as cells (all its plans, published or not)."""
        if commitment is None:
            return {}
        roles = list(commitment.institution_roles.all())
        values = {value.slug for value in commitment.ogp_values.all()}
        record = {
            OGP_ID: commitment.ogp_id,
            "Commitment Number": cell(commitment.number),
            "Lead Institution": cell(sorted(r.institution.name for r in roles if r.role == "lead")),
            "Supporting Institution(s)": cell(
                sorted(r.institution.name for r in roles if r.role == "supporting")
            ),
            "Start": cell(month(commitment.start)),
            "End": cell(month(commitment.end)),
            "Policy Area": commitment.primary_policy_area.name
            if commitment.primary_policy_area
            else "",
            "Sector": commitment.primary_sector.name if commitment.primary_sector else "",
            "Published": cell(commitment.is_published),
            **_plan_cells(commitment.all_plans if plans is None else plans),
            **text_record(commitment, COMMITMENT_TEXTS),
        }
        for column, slug in OGP_VALUE_COLUMNS.items():
            record[column] = cell(slug in values)
        return record

    def compare(self, rows: list[Row], *, write: bool) -> None:
        importer = self.importer
        report = importer.report
        creates, updates, links = [], [], []
        update_fields: set[str] = set()
        for row in rows:
            existing = row.commitment
            before = report.problem_count
            old = self.record(existing)
            commitment = existing or _blank(Commitment)
            versions = read_texts(self, row.line, row.get, COMMITMENT_TEXTS, existing)
            if report.problem_count > before:
                continue
            changed_fields = set()

            if "Original Language" in row.get and row.get["Original Language"] != (
                commitment.original_language
            ):
                _put(commitment, changed_fields, "original_language", row.get["Original Language"])
            for name, text in versions.items():
                _put(commitment, changed_fields, name, text)
            if row.ogp_id is not None:
                _put(commitment, changed_fields, "ogp_id", row.ogp_id)
            if "Commitment Number" in row.get:
                _put(commitment, changed_fields, "number", row.number)
            if "Start" in row.get:
                _put(commitment, changed_fields, "start", row.start)
            if "End" in row.get:
                _put(commitment, changed_fields, "end", row.end)
            if "Policy Area" in row.get:
                _put(commitment, changed_fields, "primary_policy_area", row.policy_area)
            if "Sector" in row.get:
                _put(commitment, changed_fields, "primary_sector", row.sector)
            if row.published is not None:
                _put(commitment, changed_fields, "is_published", row.published)
            if existing is None:
                if row.plans is None:
                    self.problem(
                        row.line,
                        "Action Plan",
                        _(
                            "No commitment has this key: to create one, give at least its "
                            "title and action plan."
                        ),
                    )
                    continue
                if row.ogp_id:
                    importer.pending_ogp_ids.add(row.ogp_id)
            if row.plans is not None and not row.plans:
                continue
            try:
                # As the admin form checks it; relations and uniqueness were checked above.
                commitment.full_clean(
                    exclude=["primary_policy_area", "primary_sector"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                _clean_errors(
                    self, row.line, row.get, error, COMMITMENT_FIELD_COLUMNS, COMMITMENT_TEXTS
                )
                continue
            if commitment.start and commitment.end and commitment.end < commitment.start:
                self.problem(row.line, "End", _("A commitment cannot end before it starts."))
                continue
            if (
                existing is not None
                and "ogp_id" in changed_fields
                and commitment.ogp_id
                and Commitment.objects.filter(ogp_id=commitment.ogp_id)
                .exclude(pk=existing.pk)
                .exists()
            ):
                self.problem(row.line, OGP_ID, _("Another commitment already has this OGP ID."))
                continue

            # The relations as they will be.
            hidden = []
            if existing is not None:
                hidden = [p for p in existing.all_plans if p.status != ActionPlan.Status.PUBLISHED]
            plans = existing.all_plans if existing is not None else []
            if row.plans is not None:
                listed = [*row.plans, *[p for p in hidden if p not in row.plans]]
                plans = sorted(listed, key=lambda plan: (plan.start_year, plan.slug))
            new = self.record(existing, plans) if existing is not None else {}
            new.update(text_record(commitment, COMMITMENT_TEXTS))
            new.update(_plan_cells(plans))
            new.update(
                {
                    OGP_ID: commitment.ogp_id,
                    "Commitment Number": cell(commitment.number),
                    "Start": cell(month(commitment.start)),
                    "End": cell(month(commitment.end)),
                    "Policy Area": commitment.primary_policy_area.name
                    if commitment.primary_policy_area
                    else "",
                    "Sector": commitment.primary_sector.name if commitment.primary_sector else "",
                    "Published": cell(commitment.is_published),
                }
            )
            roles = self.roles(row, existing)
            for role, column in (
                ("lead", "Lead Institution"),
                ("supporting", "Supporting Institution(s)"),
            ):
                new[column] = cell(sorted(name for name, r in roles.items() if r == role))
            values = {v.slug for v in existing.ogp_values.all()} if existing else set()
            for slug, wanted in row.values.items():
                (values.add if wanted else values.discard)(slug)
            for column, slug in OGP_VALUE_COLUMNS.items():
                new[column] = cell(slug in values)

            columns = [c for c in COMMITMENT_IMPORT_COLUMNS if c != PORTAL_NUMBER]
            present = [c for c in columns if c in row.get]
            changes = _diff(old, new, present) if existing is not None else []
            key = commitment.ogp_id or (str(existing.pk) if existing else "")
            title = new.get("Commitment Title", "")
            action = "create" if existing is None else ("update" if changes else "unchanged")
            report.rows.append(RowChange(row.line, key, title, action, changes))
            if not write or action == "unchanged":
                continue
            if existing is None:
                creates.append(commitment)
            elif changed_fields:
                update_fields |= changed_fields
                updates.append(commitment)
            links.append((row, commitment, plans, roles, values))
        if not write or not report.ok:
            return
        now = datetime.datetime.now(tz=datetime.UTC)
        for commitment in updates:
            commitment.updated_at = now
        _bulk_write(Commitment, creates)
        if updates:
            _bulk_write(
                Commitment,
                updates,
                [*update_fields, "updated_at"],
            )
        self.write_links(links)
        written = [commitment.pk for _row, commitment, *_rest in links]
        self.importer.touched_commitments.update(written)
        _refresh_search(written)

    def roles(self, row: Row, existing: Commitment | None) -> dict[str, str]:
        """{institution name: role} as the row leaves them (absent columns keep theirs)."""
        roles = {}
        if existing is not None:
            roles = {r.institution.name: r.role for r in existing.institution_roles.all()}
        for role, listed in (("lead", row.lead), ("supporting", row.supporting)):
            if listed is None:
                continue
            names = [self.name_of(i) for i in listed]
            for name in [n for n, r in roles.items() if r == role and n not in names]:
                del roles[name]
            for name in names:
                roles[name] = role
        return roles

    def write_links(self, links) -> None:
        """The commitments' plans, OGP values and institutions, in a few queries per chunk."""
        importer = self.importer
        plan_field = Commitment._meta.get_field("action_plans")
        value_field = Commitment._meta.get_field("ogp_values")
        PlanLink, ValueLink = plan_field.remote_field.through, value_field.remote_field.through
        plan_links, value_links, new_roles, changed_roles, gone_roles = [], [], [], [], []
        drop_plans, drop_values = [], []
        for row, commitment, plans, roles, values in links:
            existing = row.commitment
            if row.plans is not None:
                wanted = {importer.plans_by_slug[plan.slug].pk for plan in plans}
                had = {plan.pk for plan in existing.all_plans} if existing else set()
                drop_plans += [(commitment.pk, pk) for pk in had - wanted]
                plan_links += [
                    PlanLink(commitment_id=commitment.pk, actionplan_id=pk) for pk in wanted - had
                ]
            if row.values or existing is None:
                had = {v.slug for v in existing.ogp_values.all()} if existing else set()
                drop_values += [(commitment.pk, importer.values[s].pk) for s in had - values]
                value_links += [
                    ValueLink(commitment_id=commitment.pk, ogpvalue_id=importer.values[s].pk)
                    for s in values - had
                    if s in importer.values
                ]
            if row.lead is not None or row.supporting is not None:
                current = (
                    {r.institution.name: r for r in existing.institution_roles.all()}
                    if (existing)
                    else {}
                )
                for name, link in current.items():
                    if name not in roles:
                        gone_roles.append(link.pk)
                    elif link.role != roles[name]:
                        link.role = roles[name]
                        changed_roles.append(link)
                for name, role in roles.items():
                    if name not in current:
                        new_roles.append(
                            CommitmentInstitution(
                                commitment_id=commitment.pk,
                                institution=importer.institutions[name.lower()],
                                role=role,
                            )
                        )
        for through, column, pairs in (
            (PlanLink, "actionplan_id", drop_plans),
            (ValueLink, "ogpvalue_id", drop_values),
        ):
            by_commitment = defaultdict(list)
            for commitment_id, pk in pairs:
                by_commitment[commitment_id].append(pk)
            for commitment_id, pks in by_commitment.items():
                through.objects.filter(
                    commitment_id=commitment_id, **{f"{column}__in": pks}
                ).delete()
        importer.touched_plans.update(pk for _commitment_id, pk in drop_plans)
        PlanLink.objects.bulk_create(plan_links, batch_size=CHUNK_ROWS)
        ValueLink.objects.bulk_create(value_links, batch_size=CHUNK_ROWS)
        if gone_roles:
            CommitmentInstitution.objects.filter(pk__in=gone_roles).delete()
        CommitmentInstitution.objects.bulk_update(changed_roles, ["role"], batch_size=CHUNK_ROWS)
        CommitmentInstitution.objects.bulk_create(new_roles, batch_size=CHUNK_ROWS)


# --- Milestones ----------------------------------------------------------------------------------


@dataclass
class MilestoneRow:
    line: int
    get: dict[str, str]
    commitment: Commitment | None = None
    pending: str = ""  # the key of a commitment this import creates
    number: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    status: str | None = None
    happened_on: datetime.date | None = None
    responsible: Institution | str | None = None


class _Milestones:
    def __init__(self, importer: _Importer):
        self.importer = importer
        self.seen: dict[tuple, int] = {}

    def problem(self, line, column, message) -> None:
        self.importer.problem(line, column, message)

    def run(self, rows, *, write: bool) -> None:
        done = 0
        for chunk in chunks(rows):
            parsed = [row for line, get in chunk if (row := self.parse(line, get))]
            self.match(parsed)
            self.compare(parsed, write=write and self.importer.report.ok)
            done += len(chunk)
            self.importer.tick("milestones", done)

    def parse(self, line: int, get: dict[str, str]) -> MilestoneRow | None:
        report = self.importer.report
        before = report.problem_count
        row = MilestoneRow(line, get)
        try:
            row.number = parse_number(get.get("Milestone Number", ""))
        except ValueError:
            self.problem(line, "Milestone Number", _("Write a whole number from 1."))
        required_text(self, line, get, "Milestone Title", _("A milestone needs a title."))
        for column in ("Start", "End"):
            if get.get(column):
                try:
                    setattr(row, column.lower(), parse_month(get[column]))
                except ValueError as error:
                    self.problem(line, column, error)
        if get.get("Status"):
            try:
                row.status = parse_status(get["Status"])
            except ValueError as error:
                self.problem(line, "Status", error)
        if text := get.get(STATUS_DATE, "").strip():
            try:
                row.happened_on = parse_day(text)
            except ValueError as error:
                self.problem(line, STATUS_DATE, error)
        if name := get.get("Responsible Institution"):
            row.responsible = self.importer.institution(line, "Responsible Institution", name)
        return row if report.problem_count == before else None

    def match(self, rows: list[MilestoneRow]) -> None:
        importer = self.importer
        ogp_ids = {row.get[OGP_ID].upper() for row in rows if row.get.get(OGP_ID)}
        portals = {
            int(row.get[COMMITMENT_PORTAL_NUMBER])
            for row in rows
            if re.fullmatch(r"[0-9]{1,12}", row.get.get(COMMITMENT_PORTAL_NUMBER, ""))
        }
        locals_ = {
            (row.get.get("Action Plan Slug", ""), row.get.get("Commitment Number", ""))
            for row in rows
            if not row.get.get(OGP_ID)
        }
        local_pairs = {
            (slug, int(number))
            for slug, number in locals_
            if slug and re.fullmatch(r"[0-9]{1,5}", number)
        }
        query = None
        if ogp_ids:
            query = Q(ogp_id__in=ogp_ids)
        if portals:
            query = (query | Q(pk__in=portals)) if query else Q(pk__in=portals)
        commitments = {}
        if query is not None:
            commitments = {c.pk: c for c in Commitment.objects.filter(query)}
        by_ogp = {c.ogp_id: c for c in commitments.values() if c.ogp_id}
        by_local = defaultdict(list)
        if local_pairs:
            slugs = {slug for slug, _n in local_pairs}
            numbers = {number for _s, number in local_pairs}
            for pk, number, slug in Commitment.objects.filter(
                ogp_id="", action_plans__slug__in=slugs, number__in=numbers
            ).values_list("pk", "number", "action_plans__slug"):
                by_local[(slug, number)].append(pk)
            missing = {pk for pks in by_local.values() for pk in pks} - set(commitments)
            commitments.update({c.pk: c for c in Commitment.objects.filter(pk__in=missing)})
        ids = set()
        for row in rows:
            get = row.get
            ogp_id = get.get(OGP_ID, "").upper()
            portal = get.get(COMMITMENT_PORTAL_NUMBER, "")
            if ogp_id:
                row.commitment = by_ogp.get(ogp_id)
                if row.commitment is None and ogp_id in importer.pending_ogp_ids:
                    row.pending = ogp_id
                elif row.commitment is None:
                    self.problem(
                        row.line,
                        OGP_ID,
                        _("No commitment has the OGP ID %(id)s.") % {"id": ogp_id},
                    )
            elif re.fullmatch(r"[0-9]{1,12}", portal) and int(portal) in commitments:
                row.commitment = commitments[int(portal)]
            else:
                slug, number = get.get("Action Plan Slug", ""), get.get("Commitment Number", "")
                key = (slug, int(number)) if re.fullmatch(r"[0-9]{1,5}", number) else None
                pks = by_local.get(key, []) if key else []
                if len(pks) == 1:
                    row.commitment = commitments[pks[0]]
                elif key and not pks and key in importer.pending_local:
                    row.pending = f"{slug} #{number}"
                else:
                    self.problem(
                        row.line,
                        "Commitment Number",
                        _(
                            "Without an OGP ID, give the commitment’s portal number, or the "
                            "action plan’s identifier and the commitment’s number of exactly one "
                            "commitment."
                        ),
                    )
            target = row.commitment.pk if row.commitment else row.pending
            if target and row.number:
                key = (target, row.number)
                if key in self.seen:
                    self.problem(
                        row.line,
                        "Milestone Number",
                        _("Line %(line)s has the same commitment and milestone number.")
                        % {"line": self.seen[key]},
                    )
                self.seen.setdefault(key, row.line)
            if row.commitment:
                ids.add(row.commitment.pk)
        self.existing = {
            (m.commitment_id, m.number): m
            for m in Milestone.objects.filter(commitment_id__in=ids)
            .select_related("responsible_institution")
            .annotate(last_note=last_note_of("milestone"))
        }

    @staticmethod
    def record(milestone: Milestone | None) -> dict[str, str]:
        if milestone is None:
            return {}
        return {
            "Start": cell(month(milestone.start)),
            "End": cell(month(milestone.end)),
            "Status": milestone.status,
            "Responsible Institution": milestone.responsible_institution.name
            if milestone.responsible_institution
            else "",
            **text_record(milestone, MILESTONE_TEXTS),
        }

    def compare(self, rows: list[MilestoneRow], *, write: bool) -> None:
        importer = self.importer
        report = importer.report
        by = importer.by
        creates, updates, statuses, touched = [], [], [], set()
        update_fields: set[str] = set()
        default = Milestone._meta.get_field("status").default
        for row in rows:
            if row.commitment is None and not row.pending:
                continue
            before = report.problem_count
            existing = (
                self.existing.get((row.commitment.pk, row.number)) if row.commitment else None
            )
            old = self.record(existing)
            milestone = existing or _blank(Milestone)
            if existing is None:
                milestone.commitment, milestone.number = row.commitment, row.number
            versions = read_texts(self, row.line, row.get, MILESTONE_TEXTS, existing)
            if report.problem_count > before:
                continue
            changed_fields = set()

            if "Original Language" in row.get and row.get["Original Language"] != (
                milestone.original_language
            ):
                _put(milestone, changed_fields, "original_language", row.get["Original Language"])
            for name, text in versions.items():
                _put(milestone, changed_fields, name, text)
            if "Start" in row.get:
                _put(milestone, changed_fields, "start", row.start)
            if "End" in row.get:
                _put(milestone, changed_fields, "end", row.end)
            responsible = None
            if "Responsible Institution" in row.get:
                responsible = row.responsible
                if isinstance(responsible, Institution) or responsible is None:
                    _put(milestone, changed_fields, "responsible_institution", responsible)
                else:
                    changed_fields.add("responsible_institution")
            try:
                milestone.full_clean(
                    exclude=["commitment", "responsible_institution", "status"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                _clean_errors(
                    self, row.line, row.get, error, MILESTONE_FIELD_COLUMNS, MILESTONE_TEXTS
                )
                continue
            if milestone.start and milestone.end and milestone.end < milestone.start:
                self.problem(row.line, "End", _("A milestone cannot end before it starts."))
                continue
            status = existing.status if existing else default
            new_status = row.status or status
            if new_status != status:
                note = row.get.get("Status Note", "")
                if not note:
                    self.problem(
                        row.line,
                        "Status Note",
                        _("Write why the status changes: a status change needs a reason."),
                    )
                    continue
                if existing is not None and note == (getattr(existing, "last_note", "") or ""):
                    self.problem(
                        row.line,
                        "Status Note",
                        _(
                            "This is the note of the previous status change: write why the "
                            "status changes now."
                        ),
                    )
                    continue
                allowed = by is not None and (
                    is_secretariat(by)
                    if row.commitment is None
                    else can_update_milestone(by, milestone)
                )
                if not allowed:
                    self.problem(
                        row.line,
                        "Status",
                        _("Changing a status needs a user who may update this milestone."),
                    )
                    continue
            new = self.record(milestone) if existing else {}
            new.update(text_record(milestone, MILESTONE_TEXTS))
            new.update(
                {
                    "Start": cell(month(milestone.start)),
                    "End": cell(month(milestone.end)),
                    "Status": new_status,
                }
            )
            if "Responsible Institution" in row.get:
                new["Responsible Institution"] = (
                    responsible.name if isinstance(responsible, Institution) else responsible or ""
                )
            columns = [c for c in MILESTONE_IMPORT_COLUMNS if c in MILESTONE_CONTENT]
            changes = _diff(old, new, [c for c in columns if c in row.get]) if existing else []
            target = (
                row.commitment.ogp_id or str(row.commitment.pk) if row.commitment else row.pending
            )
            key = f"{target} #{row.number}"
            action = "create" if existing is None else ("update" if changes else "unchanged")
            report.milestone_rows.append(
                RowChange(row.line, key, new.get("Milestone Title", ""), action, changes)
            )
            if not write or action == "unchanged":
                continue
            if isinstance(responsible, str):
                milestone.responsible_institution = importer.institutions[responsible.lower()]
            if existing is None:
                creates.append(milestone)
            elif changed_fields:
                update_fields |= changed_fields
                updates.append(milestone)
            if new_status != status:
                statuses.append((milestone, new_status, row.get["Status Note"], row.happened_on))
            touched.add(milestone.commitment_id)
        if not write or not report.ok:
            return
        now = datetime.datetime.now(tz=datetime.UTC)
        for milestone in updates:
            milestone.updated_at = now
        _bulk_write(Milestone, creates)
        if updates:
            _bulk_write(Milestone, updates, [*update_fields, "updated_at"])
        for milestone, new_status, note, happened_on in statuses:
            # The one writer of statuses: permission, history entry and roll-ups live there.
            change_milestone_status(
                milestone=milestone,
                new_status=new_status,
                by=by,
                note=note,
                happened_on=happened_on,
            )
        self.importer.touched_commitments.update(touched)
        _refresh_search(touched)


# --- The import ----------------------------------------------------------------------------------


def _pass(importer: _Importer, files: list, *, write: bool) -> None:
    for kind, source, label in files:
        importer.file = label
        table = Table(source, label, importer.report)
        try:
            if kind == "commitments":
                rows = read_table(table, COMMITMENT_KNOWN, (OGP_ID, PORTAL_NUMBER))
                _Commitments(importer).run(rows, write=write)
            else:
                rows = read_table(
                    table,
                    MILESTONE_KNOWN,
                    (OGP_ID, COMMITMENT_PORTAL_NUMBER, "Action Plan Slug"),
                )
                _Milestones(importer).run(rows, write=write)
        except _Problems as error:
            for problem in error.problems:
                importer.report.add(problem)


def import_commitments(
    data: Source | None,
    *,
    milestones: Source | None = None,
    by=None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Import a commitments file and/or a milestones file (CSV or XLSX): everything, or nothing.

    The files are checked and compared first without writing (``dry_run`` stops there: the
    preview); then, when nothing is wrong, read again and written in one transaction. Milestone
    status changes go through ``change_milestone_status`` as ``by``. ``progress(stage, rows)`` is
    called after each chunk of rows.
    """
    report = ImportReport()
    both = data is not None and milestones is not None
    files = []
    if data is not None:
        files.append(("commitments", data, "commitments" if both else ""))
    if milestones is not None:
        files.append(("milestones", milestones, "milestones" if both else ""))
    importer = _Importer(report, by, progress)
    _pass(importer, files, write=False)
    if not report.ok or dry_run:
        report.new_members = list(importer.new_members.values())
        report.new_plans = [plan.title for plan in importer.new_plans.values()]
        report.new_institutions = list(importer.new_institutions.values())
        if not report.ok:
            report.rows, report.milestone_rows = [], []
        return report
    # Second pass: the same files again, written this time (the database may have changed since
    # the first: any problem now still writes nothing).
    checked = ImportReport()
    importer.report = checked
    try:
        with transaction.atomic():
            importer.create_new()
            new = (checked.new_members, checked.new_plans, checked.new_institutions)
            importer.pending_ogp_ids, importer.pending_local = set(), set()
            _pass(importer, files, write=True)
            if not checked.ok:
                raise _Rollback
            # Bulk writes send no signals: the roll-ups and public flags of what was written
            # are recounted here, by their one writer.
            refresh_rollups(commitments=importer.touched_commitments, plans=importer.touched_plans)
    except _Rollback:
        checked.rows, checked.milestone_rows = [], []
        return checked
    except (DatabaseError, ValidationError) as error:
        report.rows, report.milestone_rows = [], []
        report.add(
            Problem(0, "", _("The database refused the import: %(error)s") % {"error": error})
        )
        return report
    checked.new_members, checked.new_plans, checked.new_institutions = new
    checked.written = True
    return checked

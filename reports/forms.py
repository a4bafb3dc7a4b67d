"""The evaluator's forms, laid out in the report's sections.

Every answer is optional while the report is a draft; ``reports.services.submit_report`` checks
the required answers when the evaluator submits.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import WrittenInOneLanguage
from reports.models import (
    Attachment,
    CommitmentAssessment,
    EndOfCommitmentReport,
    InceptionReport,
    Question,
)

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # OGP's own form limit

# Extension → (content type served, check of the file's first bytes).
PDF, PNG, JPEG, GIF, WEBP, OOXML, ODF, OLE2, CSV = (
    "pdf",
    "png",
    "jpeg",
    "gif",
    "webp",
    "ooxml",
    "odf",
    "ole2",
    "csv",
)
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", PDF),
    "png": ("image/png", PNG),
    "jpg": ("image/jpeg", JPEG),
    "jpeg": ("image/jpeg", JPEG),
    "gif": ("image/gif", GIF),
    "webp": ("image/webp", WEBP),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        OOXML,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OOXML),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        OOXML,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ODF),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ODF),
    "odp": ("application/vnd.oasis.opendocument.presentation", ODF),
    "doc": ("application/msword", OLE2),
    "xls": ("application/vnd.ms-excel", OLE2),
    "ppt": ("application/vnd.ms-powerpoint", OLE2),
    "csv": ("text/csv", CSV),
}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _content_matches(kind: str, extension: str, data: bytes) -> bool:
    if kind == PDF:
        return data.startswith(b"%PDF-")
    if kind == PNG:
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == JPEG:
        return data.startswith(b"\xff\xd8\xff")
    if kind == GIF:
        return data[:6] in (b"GIF87a", b"GIF89a")
    if kind == WEBP:
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if kind == OLE2:
        return data.startswith(OLE2_MAGIC)
    if kind in (OOXML, ODF):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if kind == OOXML:
                    return "[Content_Types].xml" in names
                return (
                    "mimetype" in names
                    and archive.read("mimetype").strip() == ODF_MIMETYPES[extension]
                )
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    if kind == CSV:
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data.decode("cp1252")  # Excel's CSV export on Spanish Windows
            except UnicodeDecodeError:
                return False
        return True
    return False


def check_attachment(upload) -> str:
    """Validate one uploaded evidence file by size, name and content; return its content type."""
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_ATTACHMENT_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(limit)s."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_ATTACHMENT_SIZE),
            },
        )
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type. Attach PDF, images (PNG, JPEG, GIF, WebP), "
                "office documents (Word, Excel, PowerPoint, OpenDocument) or CSV files."
            ),
            code="bad_type",
            params={"name": name},
        )
    content_type, kind = ALLOWED_TYPES[extension]
    if upload.size == 0 or not _content_matches(kind, extension, _read(upload)):
        raise ValidationError(
            _("“%(name)s” does not contain what its name says (a .%(extension)s file)."),
            code="bad_content",
            params={"name": name, "extension": extension},
        )
    return content_type


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _tune_fields(form: forms.ModelForm, choices_cache: dict | None) -> None:
    """Drafts save incomplete: no field is required here; answers show as radio buttons.

    The options of each answer scale are read once per page (``choices_cache``), not once per
    question.
    """
    choices_cache = {} if choices_cache is None else choices_cache
    for name, form_field in form.fields.items():
        form_field.required = False
        if name not in form._meta.fields:
            continue
        model_field = form._meta.model._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            form_field.empty_label = None
            scale_model = model_field.related_model
            if scale_model not in choices_cache:
                choices_cache[scale_model] = [(term.pk, term.label) for term in form_field.queryset]
            form_field.choices = choices_cache[scale_model]
            form_field.widget = forms.RadioSelect(choices=form_field.choices)
        elif model_field.choices:
            form_field.choices = list(model_field.choices)
            form_field.widget = forms.RadioSelect(choices=form_field.choices)
        elif isinstance(model_field, models.TextField):
            form_field.widget = forms.Textarea(attrs={"rows": 4})


def _question_fields(form: forms.Form, question: Question, code: str) -> dict:
    return {
        "code": code,
        "text": form.fields[question.name].label,
        "answer": form[question.name],
        "explanation": form[question.explanation] if question.explanation else None,
        "evidence": form[question.evidence] if question.evidence else None,
        "answer_required": question.name in question.required,
        "explanation_required": bool(question.explanation)
        and question.explanation in question.required,
    }


def _fields(questions: list[Question]) -> list[str]:
    return [name for q in questions for name in q.fields]


class ReportForm(WrittenInOneLanguage, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, choices_cache: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _tune_fields(self, choices_cache)
        self.fields["version"].required = True
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def sections(self) -> list[dict]:
        """The form's fields grouped as the report's sections and questions."""
        return [
            {
                "number": section.number,
                "title": section.title,
                "questions": [_question_fields(self, q, q.code) for q in section.questions],
            }
            for section in self._meta.model.SECTIONS
        ]


class InceptionReportForm(ReportForm):
    class Meta:
        model = InceptionReport
        fields = _fields([q for s in InceptionReport.SECTIONS for q in s.questions])


class CommitmentAssessmentForm(WrittenInOneLanguage, forms.ModelForm):
    class Meta:
        model = CommitmentAssessment
        fields = _fields(CommitmentAssessment.QUESTIONS)

    def written_language(self) -> str:
        # The commitments' assessments are written in their report's language.
        return self.instance.report.original_language or super().written_language()

    def __init__(self, *args, choices_cache: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _tune_fields(self, choices_cache)

    def questions(self) -> list[dict]:
        position = self.instance.position
        return [
            _question_fields(self, q, f"{position}.{q.code}")
            for q in CommitmentAssessment.QUESTIONS
        ]


AssessmentFormSet = forms.modelformset_factory(
    CommitmentAssessment, form=CommitmentAssessmentForm, extra=0, can_delete=False
)


class EndOfCommitmentReportForm(ReportForm):
    new_attachments = MultipleFileField(
        label=_("Attach evidence files"),
        required=False,
        help_text=_("At most 3 files of at most 10 MB each: PDF, images, office documents or CSV."),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove these files"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EndOfCommitmentReport
        fields = _fields([q for s in EndOfCommitmentReport.SECTIONS for q in s.questions])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_attachments = (
            list(self.instance.attachments.all()) if self.instance.pk else []
        )
        self.fields["remove_attachments"].queryset = Attachment.objects.filter(report=self.instance)
        self.fields["remove_attachments"].required = False
        self.fields["new_attachments"].required = False

    def clean_new_attachments(self) -> list:
        uploads = self.cleaned_data.get("new_attachments") or []
        errors = []
        self.attachment_types = []
        for upload in uploads:
            try:
                self.attachment_types.append(check_attachment(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self):
        cleaned = super().clean()
        uploads = cleaned.get("new_attachments") or []
        removed = cleaned.get("remove_attachments") or []
        total = len(self.existing_attachments) - len(removed) + len(uploads)
        if uploads and total > EndOfCommitmentReport.MAX_ATTACHMENTS:
            self.add_error(
                "new_attachments",
                ValidationError(
                    _(
                        "A report takes at most %(max)s files; it would have %(total)s. "
                        "Remove a file or attach fewer."
                    ),
                    code="too_many",
                    params={"max": EndOfCommitmentReport.MAX_ATTACHMENTS, "total": total},
                ),
            )
        return cleaned


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the evaluators"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what should change; the evaluators read this above their form."),
    )


class PublicNoteForm(forms.Form):
    """The public note of a correction: why a report is unpublished, or what a corrected version
    changes. Shown, dated, on the report's page."""

    note = forms.CharField(
        label=_("Public note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Shown with its date on the report's public page, in its list of corrections."),
    )

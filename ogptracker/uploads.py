"""Uploaded files (evidence, the portal's logo): where they are kept, and which are accepted.

Evidence lives in the private storage (``ogptracker.storage``: a directory no URL maps to, or a
private bucket); a view that checks who may read it serves each file, as a download. A file is
accepted by its content (its first bytes), never by its name alone: a renamed executable or an
SVG (which may carry script) is refused, whatever it is called.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ogptracker import storage
from ogptracker.storage import PrivateStorage as PrivateStorage

MAX_EVIDENCE_FILE_SIZE = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 5


def private_storage():
    """The storage of evidence files: the portal's private storage (``ogptracker.storage``)."""
    return storage.private_storage()


OOXML, ODF, OLE2, TEXT = "ooxml", "odf", "ole2", "text"
# Extension → (content type served, kind checked against the first bytes).
EVIDENCE_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
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
    "txt": ("text/plain", TEXT),
    "csv": ("text/csv", TEXT),
}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text that a browser could run as a page or a script if it ever sniffed it.
MARKUP = re.compile(rb"<\s*(script|svg|html|!doctype|iframe|object|embed)\b", re.IGNORECASE)
# The first bytes of programs: Windows (MZ), Linux (ELF), macOS (Mach-O, universal), scripts (#!).
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def content_matches(kind: str, extension: str, data: bytes) -> bool:
    """Whether ``data`` really is a file of ``kind`` (by its magic bytes or its text)."""
    signatures = {
        "pdf": data.startswith(b"%PDF-"),
        "png": data.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpeg": data.startswith(b"\xff\xd8\xff"),
        "gif": data[:6] in (b"GIF87a", b"GIF89a"),
        "webp": data[:4] == b"RIFF" and data[8:12] == b"WEBP",
        OLE2: data.startswith(OLE2_MAGIC),
    }
    if kind in signatures:
        return signatures[kind]
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
    if kind == TEXT:
        if b"\x00" in data or MARKUP.search(data):
            return False
        for encoding in ("utf-8-sig", "cp1252"):  # cp1252: Excel's CSV on Spanish Windows
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
        return False
    return False


def clean_file_name(name: str) -> str:
    """The uploader's file name made safe to show and to send back: no folders, no control
    characters, no quotes, at most 200 characters, never empty."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(
        " " if unicodedata.category(char)[0] == "Z" else char
        for char in name
        if char not in '"<>:|?*;' and unicodedata.category(char)[0] != "C"
    )
    name = " ".join(name.split()).strip(". ")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 199 - len(extension)] + dot + extension) if dot else name[:200]
    return name or "file"


def check_evidence_file(upload) -> str:
    """Validate one evidence file by size, name and content; return its content type."""
    name = clean_file_name(upload.name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_EVIDENCE_FILE_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(limit)s."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_EVIDENCE_FILE_SIZE),
            },
        )
    if extension == "svg":
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type: an SVG image can carry script. Attach it "
                "as PNG or PDF."
            ),
            code="svg",
            params={"name": name},
        )
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type. Attach PDF, images (PNG, JPEG, GIF, WebP), "
                "office documents (Word, Excel, PowerPoint, OpenDocument) or plain text "
                "(TXT, CSV)."
            ),
            code="bad_type",
            params={"name": name},
        )
    content_type, kind = EVIDENCE_TYPES[extension]
    data = _read(upload)
    if upload.size and content_matches(kind, extension, data):
        return content_type
    # Refused either way; the message says why when the reason is a known danger.
    if data.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            _(
                "“%(name)s” does not contain what its name says (a .%(extension)s file): it is "
                "a program, and programs are not accepted."
            ),
            code="executable",
            params={"name": name, "extension": extension},
        )
    if MARKUP.search(data):
        raise ValidationError(
            _(
                "“%(name)s” does not contain what its name says (a .%(extension)s file): it "
                "holds web markup or script (such as SVG or HTML), which is not accepted."
            ),
            code="markup",
            params={"name": name, "extension": extension},
        )
    raise ValidationError(
        _("“%(name)s” does not contain what its name says (a .%(extension)s file)."),
        code="bad_content",
        params={"name": name, "extension": extension},
    )


# The logo is shown on every page and sent inline: only raster images whose bytes say so.
LOGO_TYPES: dict[str, tuple[str, str]] = {
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "webp": ("image/webp", "webp"),
}


def image_content_type(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image by its first bytes; None for anything else."""
    for content_type, kind in set(LOGO_TYPES.values()):
        if content_matches(kind, "", data):
            return content_type
    return None


def check_logo_file(upload) -> str:
    """Validate an uploaded logo by its name and content; return its content type."""
    name = clean_file_name(upload.name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    data = _read(upload)
    content_type = image_content_type(data)
    if extension in LOGO_TYPES and content_type == LOGO_TYPES[extension][0]:
        return content_type
    if extension == "svg" or MARKUP.search(data):
        raise ValidationError(
            _(
                "“%(name)s” is an SVG image or holds web markup, which can carry script. Upload "
                "the logo as PNG, JPEG or WebP."
            ),
            code="svg",
            params={"name": name},
        )
    raise ValidationError(
        _(
            "“%(name)s” is not a PNG, JPEG or WebP image (its content is checked, not only its "
            "name)."
        ),
        code="bad_content",
        params={"name": name},
    )

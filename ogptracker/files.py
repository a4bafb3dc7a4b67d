"""Files the portal sends from its storages to anyone: the logo.

Documents, evidence and report attachments are sent by their own apps' views, after checking who
may read them (``plans.views.document_file``, ``commitments.views.evidence_file``,
``reports.views.attachment``).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.views.decorators.http import require_safe

from ogptracker.storage import file_version
from ogptracker.uploads import image_content_type


@require_safe
def site_logo(request, version: str):
    """The portal's logo, read through its storage and sent as the image its bytes say it is.

    Its address names the stored file (``file_version``), so it may be kept for a year; an older
    address leads to the current logo.
    """
    from portal.services import site_settings

    logo = site_settings().logo
    if not logo:
        raise Http404
    if version != file_version(logo.name):
        return HttpResponseRedirect(logo.url)
    try:
        handle = logo.storage.open(logo.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = image_content_type(handle.read(16))
    if content_type is None:  # a logo stored before uploads were checked by their content
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

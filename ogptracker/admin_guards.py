"""What keeps the admin safe with several editors: no lost update, no unbounded bulk action.

No lost update: every change form carries a hidden ``_version``: a digest of the row as it was when the form was
shown, with its many-to-many links and the rows of its inlines. On save the row is read again,
locked until the save is committed; if the digest differs, someone else saved in between and
nothing is written: the form comes back (status 409) with the user's input and a message.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import _get_foreign_key
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ogptracker.admin_lists import LabelledChangeFormMixin
from ogptracker.languages import translatable_fields

VERSION_FIELD = "_version"

CONFLICT_MESSAGE = _(
    "Someone else saved this record (%(name)s) after you opened it, so your changes were not "
    "saved. They are kept below: copy what you need, reload the page to see the latest "
    "version, and make your changes again."
)


def _rows(queryset: models.QuerySet, ignored: tuple[str, ...] = ()) -> list[tuple]:
    model = queryset.model
    # The plain name of a translated field reads the active language; its columns
    # (title_es, title_en) are concrete fields of their own and say it all.
    skipped = set(translatable_fields(model)) | set(ignored)
    names = [f.attname for f in model._meta.concrete_fields if f.name not in skipped]
    return list(queryset.order_by("pk").values_list(*names))


def version_of(model_admin, request, obj: models.Model, *, lock: bool = False) -> str:
    """A digest of what the change form of ``obj`` shows: the row, its links, its inlines' rows.

    With ``lock`` the row is locked (``SELECT … FOR UPDATE``) until the transaction ends, so the
    version checked is the version overwritten.
    """
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk)
    if lock:
        row = row.select_for_update()
    # Columns that change without anyone editing the record (a person's last sign-in) and that
    # the form neither shows nor writes back (the record is read afresh when it is saved).
    parts: list = [_rows(row, getattr(model_admin, "version_ignores", ()))]
    # Every many-to-many link in one query: (which field, linked key) rows.
    links = [
        field.remote_field.through._base_manager.filter(**{field.m2m_field_name(): obj.pk})
        .annotate(_which=models.Value(position, output_field=models.IntegerField()))
        .values_list("_which", f"{field.m2m_reverse_field_name()}_id")
        .order_by()
        for position, field in enumerate(model._meta.many_to_many)
    ]
    linked: dict[int, list] = {position: [] for position in range(len(links))}
    if links:
        for position, key in links[0].union(*links[1:], all=True):
            linked[position].append(key)
    parts.extend(sorted(keys) for keys in linked.values())
    for inline in model_admin.get_inline_instances(request, obj):
        try:
            fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        except ValueError:  # not a plain foreign key (a generic relation): nothing to compare
            continue
        parts.append(_rows(inline.model._base_manager.filter(**{fk.name: obj.pk})))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


class BoundedActionsMixin:
    """Refuse a bulk action on more than ``MAX_ADMIN_ACTION_ROWS`` rows, before it runs."""

    def action_checkbox(self, obj):
        """A row's selection box, the same HTML as Django's, written directly rather than by
        rendering a checkbox widget's template once per row (a third of a 100-row list)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def response_action(self, request, queryset, **kwargs):
        if request.POST.get("select_across") == "1":
            count = self.get_changelist_instance(request).get_queryset(request).count()
        else:
            count = len(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        limit = settings.MAX_ADMIN_ACTION_ROWS
        if count > limit:
            self.message_user(
                request,
                ngettext(
                    "An action applies to at most %(limit)d row at a time; %(count)d were "
                    "selected. Narrow the list with its filters and try again.",
                    "An action applies to at most %(limit)d rows at a time; %(count)d were "
                    "selected. Narrow the list with its filters and try again.",
                    limit,
                )
                % {"limit": limit, "count": count},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)


class VersionedAdminMixin:
    """Give a ModelAdmin's change form the optimistic check described in this module."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not fieldsets:
            return fieldsets
        if VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        # A hidden field: the admin shows its row as hidden wherever it stands.
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return super().get_form(request, obj, change=change, **kwargs)
        if "fields" in kwargs:
            fields = kwargs.pop("fields")
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            fields = [name for name in fields if name != VERSION_FIELD]
        form = super().get_form(request, obj, change=change, fields=fields, **kwargs)
        return _versioned(form, self, request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        adminform = context.get("adminform")
        if getattr(getattr(adminform, "form", None), "version_conflict", False):
            response.status_code = 409
        return response


def _versioned(form_class: type[forms.ModelForm], model_admin, request) -> type[forms.ModelForm]:
    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        self.version_conflict = False
        if not self.is_bound and self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = version_of(model_admin, request, self.instance)

    def clean(self):
        cleaned = form_class.clean(self)
        shown = self.data.get(VERSION_FIELD)
        # A form without a version (a script, an old page) is saved as before.
        if (
            shown
            and self.instance.pk is not None
            and shown != version_of(model_admin, request, self.instance, lock=True)
        ):
            self.version_conflict = True
            raise ValidationError(
                CONFLICT_MESSAGE, code="conflict", params={"name": self.instance._meta.verbose_name}
            )
        return cleaned

    return type(
        form_class.__name__,
        (form_class,),
        {
            VERSION_FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
            "__init__": __init__,
            "clean": clean,
        },
    )


class GuardedAdminMixin(LabelledChangeFormMixin, BoundedActionsMixin, VersionedAdminMixin):
    """Both guards: the optimistic check on change forms and bounded bulk actions."""

"""Admin pages that stay small and quick whatever the size of the database.

- ``LabelledChangeFormMixin``: a change form's searchable fields, and its inlines', read the
  labels of their current choices from the objects already loaded, or in one query per field
  for the whole formset, never one per form.
- ``KeysFirstPaginator``, ``KeysFirstAdminMixin``: a late changelist page costs what the first
  one does, and a searched one searches once for its keys.
- ``BoundedInlineMixin``: an inline edits at most ``limit`` related rows on its parent's page and
  says where the others are edited.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import QuerySet

from ogptracker.pagination import KeysFirstPaginator


class KnownLabelsMixin:
    """An autocomplete widget that takes its selected options' labels from ``known`` when it
    holds them all, and asks the database (as Django does) otherwise."""

    known: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.known is None or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for choice in sorted(selected):
            options.append(
                self.create_option(name, choice, self.known[choice], selected, len(options))
            )
        return [(None, options, 0)]


def _autocomplete_widget(field):
    widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
    return widget if isinstance(widget, AutocompleteMixin) else None


def _cached_labels(form, name: str, field) -> dict[str, str]:
    """The labels of the choices the form's instance already holds (select_related, prefetch)."""
    instance = getattr(form, "instance", None)
    if instance is None or getattr(field, "to_field_name", None) not in (None, "pk", "id"):
        return {}
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return {}
    if model_field.many_to_one or model_field.one_to_one:
        if model_field.is_cached(instance):
            related = model_field.get_cached_value(instance)
            if related is not None:
                return {str(related.pk): field.label_from_instance(related)}
    elif model_field.many_to_many and instance.pk is not None:
        cached = getattr(instance, "_prefetched_objects_cache", {}).get(model_field.name)
        if cached is not None:
            return {str(obj.pk): field.label_from_instance(obj) for obj in cached}
    return {}


def share_autocomplete_labels(forms) -> None:
    """Give the autocomplete widgets of ``forms`` the labels of their current choices: from
    the objects the forms' instances hold, else from one query per field for all the forms."""
    forms = list(forms)
    if not forms:
        return
    for name, field in forms[0].fields.items():
        if _autocomplete_widget(field) is None:
            continue
        labels: dict[str, str] = {}
        wanted = set()
        for form in forms:
            labels.update(_cached_labels(form, name, field))
            value = form[name].value()
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if item not in field.empty_values:
                    wanted.add(str(item))
        missing = wanted - labels.keys()
        if missing:
            to_field = getattr(field, "to_field_name", None) or "pk"
            try:
                rows = field.queryset.filter(**{f"{to_field}__in": missing})
                labels.update(
                    {str(getattr(obj, to_field)): field.label_from_instance(obj) for obj in rows}
                )
            except (ValueError, TypeError, ValidationError):
                continue  # values that are not keys: each widget shows what Django shows
        for form in forms:
            widget = _autocomplete_widget(form.fields[name])
            widget.__class__ = _known_labels_class(type(widget))
            widget.known = labels


_CLASSES: dict[type, type] = {}


def _known_labels_class(widget_class: type) -> type:
    if issubclass(widget_class, KnownLabelsMixin):
        return widget_class
    if widget_class not in _CLASSES:
        _CLASSES[widget_class] = type(
            f"KnownLabels{widget_class.__name__}", (KnownLabelsMixin, widget_class), {}
        )
    return _CLASSES[widget_class]


class LabelledChangeFormMixin:
    """For ModelAdmins: the searchable fields of the change form and of its inlines read the
    labels of their current choices in one query per field at most, not one per form."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None:
            share_autocomplete_labels([adminform.form])
        for inline in context.get("inline_admin_formsets", []):
            share_autocomplete_labels(inline.formset.forms)
        return super().render_change_form(request, context, add, change, form_url, obj)


class BoundedInlineMixin:
    """Edit at most ``limit`` related rows inline (in the model's order); the template names how
    many there are and links to ``others_url(obj)``, where the rest are edited."""

    limit = 10
    template = "admin/edit_inline/bounded_stacked.html"

    def others_url(self, obj) -> str:
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        limit, inline = self.limit, self

        class BoundedFormSet(formset):
            def get_queryset(self):
                if not hasattr(self, "_bounded"):
                    everything = super().get_queryset()
                    rows = list(everything[: limit + 1])
                    self.total = len(rows) if len(rows) <= limit else everything.count()
                    self._bounded = rows[:limit]
                    self.limit = limit
                    self.others_url = inline.others_url(self.instance) if self.instance.pk else ""
                return self._bounded

        BoundedFormSet.__name__ = formset.__name__
        return BoundedFormSet


class KeysFirstAdminMixin:
    """For ModelAdmins: a changelist page's keys are found by the list's search, filters and
    order; its rows are then loaded by those keys alone (``list_rows``), not searched again."""

    paginator = KeysFirstPaginator

    def list_rows(self, request) -> QuerySet:
        """The admin's own rows, with what the list shows; the page's keys select among them."""
        rows = self.get_queryset(request).order_by()
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            rows = rows.select_related(*self.list_select_related)
        return rows

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, rows=self.list_rows(request)
        )

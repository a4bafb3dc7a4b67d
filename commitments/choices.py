"""Searchable filter fields for the explorer: members, plans and institutions run into thousands.

The explorer shows each as a text field, never a ``<select>`` of every row: a short list of
suggestions (the largest ones, and the current choice) in a ``<datalist>``, and, when the words
typed are not an address name (slug), the matching names to pick from — no script needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plans.models import ActionPlan, Institution, Member

SUGGESTIONS = 20
MATCHES = 10


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    href: str = ""


def _label(obj) -> str:
    if isinstance(obj, ActionPlan):
        return obj.title
    if isinstance(obj, Institution):
        return f"{obj.label} ({obj.acronym})" if obj.acronym else obj.label
    return str(obj)


FIELDS = {
    "member": {
        "queryset": lambda: Member.objects.only(
            "pk",
            "slug",
            "name",
            "name_es",
            "name_en",
            "display_name",
            "display_name_es",
            "display_name_en",
        ),
        "search": lambda words: (
            Q(name_es__icontains=words)
            | Q(name_en__icontains=words)
            | Q(display_name_es__icontains=words)
            | Q(display_name_en__icontains=words)
        ),
        "scope": "member",
        "size": "n_commitments",
        "help": _("Type part of a member’s name and apply the filters."),
    },
    "plan": {
        "queryset": lambda: ActionPlan.objects.published().only(
            "pk", "slug", "title", "title_es", "title_en", "original_language"
        ),
        "search": lambda words: Q(title_es__icontains=words) | Q(title_en__icontains=words),
        "scope": "plan",
        "size": "n_commitments",
        "help": _("Type part of a plan’s title and apply the filters."),
    },
    "institution": {
        "queryset": lambda: Institution.objects.only("pk", "slug", "name", "name_en", "acronym"),
        "search": lambda words: (
            Q(name__icontains=words) | Q(name_en__icontains=words) | Q(acronym__iexact=words)
        ),
        "scope": "institution",
        "size": "n_led",
        "help": _("Type part of an institution’s name or its acronym and apply the filters."),
    },
}


def resolve(data) -> tuple[object, dict[str, list[Choice]]]:
    """Turn names typed in the searchable fields into address names where one thing matches.

    Returns the (possibly changed) query data and, per field where several things match, the
    matches to choose from.
    """
    data = data.copy()
    matches: dict[str, list[Choice]] = {}
    for name, spec in FIELDS.items():
        typed = " ".join((data.get(name) or "").split())[:200]
        if not typed:
            continue
        queryset = spec["queryset"]()
        if queryset.filter(slug=typed).exists():
            continue
        found = list(queryset.filter(spec["search"](typed)).order_by("pk")[: MATCHES + 1])
        if len(found) == 1:
            data[name] = found[0].slug
        elif found:
            matches[name] = [Choice(obj.slug, _label(obj)) for obj in found[:MATCHES]]
    return data, matches


def all_suggestions() -> dict[str, list[Choice]]:
    """The largest members, plans and institutions, for the fields' ``<datalist>``s.

    One query picks the largest of each kind from the roll-ups, one per kind loads their names;
    the result is cached for a few minutes (they are suggestions: any name can be typed).
    """
    from django.db.models import Case, F, IntegerField, When, Window
    from django.db.models.functions import RowNumber

    from commitments.rollups import Rollup

    key = f"explorer:suggestions:{get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    size = Case(
        When(scope="institution", then=F("n_led") + F("n_supported")),
        default=F("n_commitments"),
        output_field=IntegerField(),
    )
    ranked = (
        Rollup.objects.filter(scope__in=[spec["scope"] for spec in FIELDS.values()])
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("scope")], order_by=[size.desc(), F("object_id")]
            )
        )
        .filter(position__lte=SUGGESTIONS)
        .order_by("scope", "position")
        .values_list("scope", "object_id")
    )
    ids: dict[str, list[int]] = {}
    for scope, object_id in ranked:
        ids.setdefault(scope, []).append(object_id)
    result = {}
    for name, spec in FIELDS.items():
        wanted = ids.get(spec["scope"], [])
        objects = {obj.pk: obj for obj in spec["queryset"]().filter(pk__in=wanted)}
        result[name] = [
            Choice(objects[pk].slug, _label(objects[pk])) for pk in wanted if pk in objects
        ]
    cache.set(key, result, 300)
    return result


def _with(data, name: str, value: str) -> str:
    query = data.copy()
    query[name] = value
    query.pop("page", None)
    return "?" + query.urlencode()


def make_searchable(form, matches, data) -> list[dict]:
    """Text fields with suggestions in place of the three long selects; the datalists to render."""
    lists = []
    suggested = all_suggestions()
    for name, spec in FIELDS.items():
        field = form.fields[name]
        field.widget = forms.TextInput(
            attrs={"list": f"{name}-options", "autocomplete": "off", "maxlength": 200}
        )
        field.help_text = spec["help"]
        options = suggested[name]
        current = form.cleaned_data.get(name) if form.is_valid() else None
        if current is not None and all(choice.value != current.slug for choice in options):
            options = [Choice(current.slug, _label(current)), *options]
        lists.append(
            {
                "name": name,
                "options": options,
                "current": _label(current) if current is not None else "",
                "matches": [
                    Choice(m.value, m.label, _with(data, name, m.value))
                    for m in matches.get(name, [])
                ],
            }
        )
    return lists

"""Search without PostgreSQL: a normalised copy of a commitment's texts in both languages.

PostgreSQL searches the stored ``search_vector`` (stemmed per language, ranked; migrations
``0004_search`` and ``0008_search_both_languages``). Other databases match words against
``search_text``: both language versions of the commitment's texts, its milestones and its
institutions, lower-cased and without accents, kept current whenever one of them is saved.
"""

from __future__ import annotations

import unicodedata

from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_save

COMMITMENT_TEXTS = (
    "title",
    "short_title",
    "problem",
    "status_quo",
    "action",
    "contribution",
    "long_term_goal",
    "values_narrative",
)
MILESTONE_TEXTS = ("title", "description")


def normalise(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: "Participación" → "participacion"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


def search_words(text: str) -> list[str]:
    """The words of a query, normalised, with a plural ending dropped ("participaciones")."""
    words = []
    for word in normalise(text).split()[:10]:
        word = word.strip(".,;:¿?¡!()\"'“”")
        if len(word) > 5 and word.endswith("es"):
            word = word[:-2]
        elif len(word) > 4 and word.endswith("s"):
            word = word[:-1]
        if word:
            words.append(word)
    return words


def _versions(row, fields) -> list[str]:
    return [getattr(row, f"{f}_{code}", "") or "" for f in fields for code in ("es", "en")]


def commitment_search_text(commitment, apps=global_apps) -> str:
    """Every text a search should find the commitment by, normalised."""
    Milestone = apps.get_model("commitments", "Milestone")
    CommitmentInstitution = apps.get_model("commitments", "CommitmentInstitution")
    parts = [commitment.ogp_id or "", *_versions(commitment, COMMITMENT_TEXTS)]
    for milestone in Milestone.objects.filter(commitment_id=commitment.pk):
        parts += _versions(milestone, MILESTONE_TEXTS)
    roles = CommitmentInstitution.objects.filter(commitment_id=commitment.pk).select_related(
        "institution"
    )
    for role in roles:
        institution = role.institution
        parts += [institution.name, institution.name_en, institution.acronym]
    return normalise(" ".join(part for part in parts if part))


def refresh_search_text(commitment_id: int | None) -> None:
    """Recompute one commitment's ``search_text``."""
    Commitment = global_apps.get_model("commitments", "Commitment")
    commitment = Commitment.objects.filter(pk=commitment_id).first()
    if commitment is not None:
        text = commitment_search_text(commitment)
        Commitment.objects.filter(pk=commitment_id).update(search_text=text)


def _commitment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(instance.pk)


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(instance.commitment_id)


def _institution_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    for commitment_id in instance.commitment_roles.values_list("commitment_id", flat=True):
        refresh_search_text(commitment_id)


def connect() -> None:
    """Keep ``search_text`` current on every save and delete, whatever path writes."""
    post_save.connect(_commitment_saved, sender="commitments.Commitment")
    for model in ("commitments.Milestone", "commitments.CommitmentInstitution"):
        post_save.connect(_part_changed, sender=model)
        post_delete.connect(_part_changed, sender=model)
    post_save.connect(_institution_saved, sender="plans.Institution")

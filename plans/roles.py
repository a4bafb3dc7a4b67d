"""The three roles of the portal, as Django groups created by a data migration."""

from __future__ import annotations

SECRETARIAT = "Secretariat"
IMPLEMENTER = "Implementer"
EVALUATOR = "Evaluator"


def in_group(user, name: str) -> bool:
    """Whether an active user belongs to the named group (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = getattr(user, "_ogp_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._ogp_groups = cache
    return name in cache


def is_secretariat(user) -> bool:
    """Superusers and members of the Secretariat group manage everything in the domain."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or in_group(
        user, SECRETARIAT
    )


def is_implementer(user) -> bool:
    return in_group(user, IMPLEMENTER)


def is_evaluator(user) -> bool:
    return in_group(user, EVALUATOR)

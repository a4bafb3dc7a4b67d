"""``{% follow_box obj %}``: the “Follow by email” form of a member, plan or commitment page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from notifications.forms import FollowForm

register = template.Library()


def follow_url(obj) -> str:
    """Where the follow form of a member, an action plan or a commitment posts."""
    name = obj._meta.model_name
    if name == "commitment":
        return reverse("notifications:follow", kwargs={"kind": "commitment", "key": obj.key})
    kind = {"member": "member", "actionplan": "plan"}[name]
    return reverse("notifications:follow", kwargs={"kind": kind, "key": obj.slug})


@register.inclusion_tag("notifications/follow_box.html")
def follow_box(obj) -> dict:
    """The follow form; only published pages show it (drafts have nobody to follow them)."""
    published = getattr(obj, "is_published", None)
    status = getattr(obj, "status", None)
    shown = published is not False and status in (None, "published")
    return {"target": obj, "form": FollowForm(), "action": follow_url(obj), "shown": shown}

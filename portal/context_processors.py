from django.utils.functional import SimpleLazyObject


def site(request) -> dict:
    """``site``: the portal's identity, and ``is_evaluator``; each read only when a page uses it."""
    from plans.roles import is_evaluator
    from portal.services import site_settings

    return {
        "site": SimpleLazyObject(site_settings),
        "is_evaluator": SimpleLazyObject(lambda: is_evaluator(request.user)),
    }

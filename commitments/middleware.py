"""Each request's writes recompute the roll-ups they touch once, when the request's work is done."""

from __future__ import annotations

from commitments.rollups import batched


class BatchedRollupsMiddleware:
    """An admin save with twenty milestone inlines recounts each plan, member and total once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        with batched():
            return self.get_response(request)

"""Signals other apps listen to; commitments itself never imports them."""

from django.dispatch import Signal

# Sent by commitments.services.moderate_comments with ``comments``: the comments just approved.
comments_approved = Signal()

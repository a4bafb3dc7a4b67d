"""The secretariat's view of notifications: settings, the sent log, followers and reminders."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import (
    Follower,
    NotificationSettings,
    SentEmail,
    SentReminder,
    Subscription,
)
from ogptracker.admin_guards import GuardedAdminMixin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: read, never added or edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "milestone_days_before", "report_days_before"]

    def has_add_permission(self, request) -> bool:
        # One row, created on first read.
        return super().has_add_permission(request) and not NotificationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        NotificationSettings.load()
        return super().changelist_view(request, extra_context)


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "recipient", "target_link", "status", "attempts"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    fields = [
        "kind",
        "recipient",
        "user",
        "target_link",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "headers",
        "body_text",
    ]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("about"))
    def target_link(self, obj: SentEmail) -> str:
        if obj.content_type_id is None:
            return "—"
        return f"{obj.content_type.name} #{obj.object_id}"


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["target_name", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("follows"))
    def target_name(self, obj: Subscription) -> str:
        return str(obj.target)


@admin.register(Follower)
class FollowerAdmin(ReadOnlyAdmin):
    """Followers' addresses, for the secretariat to answer a request to be forgotten."""

    list_display = ["email", "language", "n_subscriptions", "created_at", "last_digest_at"]
    search_fields = ["email"]
    fields = ["email", "language", "created_at", "last_digest_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n=Count("subscriptions"))

    @admin.display(description=_("follows"), ordering="n")
    def n_subscriptions(self, obj) -> int:
        return obj.n


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subject_key", "recipient"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject_key", "recipient__username"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

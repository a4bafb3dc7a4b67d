"""Public forms: leaving a comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.models import Comment


class CommentForm(forms.ModelForm):
    """Name, email (never shown) and text; ``website`` is a trap only robots fill in."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    follow = forms.BooleanField(
        label=_("Follow this commitment by email"),
        required=False,
        help_text=_(
            "Once your comment is approved, we send you a link to confirm; then you get at most "
            "one email a day with its news."
        ),
    )

    def __init__(self, *args, can_follow: bool = False, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")  # the labels end in “*” already
        super().__init__(*args, **kwargs)
        if not can_follow:
            del self.fields["follow"]

    class Meta:
        model = Comment
        fields = ["text", "name", "email"]
        labels = {"text": _("Comment *"), "name": _("Name *"), "email": _("Email *")}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Please write a comment."))
        return text

    @property
    def is_bot(self) -> bool:
        """Whether the hidden trap field was filled in (people never see it)."""
        return bool(self.cleaned_data.get("website"))

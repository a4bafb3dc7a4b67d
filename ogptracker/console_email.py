"""Development email backend: each email printed as a person reads it, links unbroken.

Django's console backend prints the encoded message (quoted-printable cuts long links with
“=”); this one prints the headers that matter and the plain-text part as it is.
"""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            *(f"{name}: {value}" for name, value in (message.extra_headers or {}).items()),
            f"Parts: text/plain{''.join(', ' + a.mimetype for a in message.alternatives)}",
            "",
            message.body,
        ]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")

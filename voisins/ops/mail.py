"""E-mail on a laptop's console, readable: the console backend of Django prints the raw
message, quoted-printable and base64 included, so that a link is cut at 76 characters with
`=` and accented words turn into `=C3=A9`. This one prints the headers and each text part
decoded, as the reader's mail program would show them."""

from __future__ import annotations

from email import message_from_bytes, policy

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        lines = [f"{name}: {parsed[name]}" for name in ("From", "To", "Cc", "Subject", "Date")
                 if parsed[name]]
        for part in parsed.walk():
            if part.is_multipart():
                continue
            kind = part.get_content_type()
            if part.get_content_maintype() == "text" and not part.get_filename():
                lines += ["", f"[{kind}]", part.get_content().rstrip()]
            else:
                lines += ["", f"[{kind}: {part.get_filename() or 'attachment'}]"]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")

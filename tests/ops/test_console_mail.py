"""On a laptop, e-mail goes to the console; it must be readable there: links whole,
accents as letters (no quoted-printable)."""

import io

from django.core.mail import EmailMultiAlternatives

from voisins.ops.mail import EmailBackend

LINK = "http://127.0.0.1:8000/f/" + "x" * 90 + "/"


def test_the_console_shows_a_message_decoded_with_its_link_whole():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Une proposition pour vous", f"Bonjour Amélie,\nVoici votre lien : {LINK}\n",
        "Voisins <noreply@localhost>", ["amelie@example.org"])
    message.attach_alternative(f"<p>Bonjour Amélie, <a href='{LINK}'>votre page</a></p>",
                               "text/html")
    EmailBackend(stream=stream).send_messages([message])
    text = stream.getvalue()
    assert "Subject: Une proposition pour vous" in text
    assert "To: amelie@example.org" in text
    assert "Bonjour Amélie" in text and LINK in text
    assert "=C3=A9" not in text and "=\n" not in text
    assert "[text/plain]" in text and "[text/html]" in text


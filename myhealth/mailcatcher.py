"""The demo server's terminal: its request log and its local mail server.

The request log is one plain line per request (werkzeug colours it with terminal escape codes,
which show as garbage in a log file or a CI console), coloured only on a terminal.

The local mail server it prints each email in the terminal, decoded, so that a
newcomer can read it and open its links (a sign-up confirmation, say) with one click.

Emails are sent quoted-printable, which splits long lines with "=" and writes accented
letters as "=C3=A9": printed raw, a link breaks over two lines and opens "This link is not
valid". Each message is printed as a person reads it instead: the headers decoded, the plain
text part decoded, and every link on a line of its own.
"""

from __future__ import annotations

import email
import re
import sys
from email import policy
from email.message import EmailMessage

import click
from werkzeug.serving import WSGIRequestHandler

LINK = re.compile(r"https?://[^\s<>\"]+")


def readable(raw: bytes) -> str:
    """An email as a person reads it: sender, recipients, subject, then the text, decoded."""
    message: EmailMessage = email.message_from_bytes(raw, policy=policy.default)
    lines = [f"{name}: {message[name]}" for name in ("From", "To", "Subject") if message[name]]
    body = message.get_body(("plain",))
    text = "(this email has no plain text part)" if body is None else body.get_content()
    links = LINK.findall(text)
    lines += ["", text.rstrip()]
    if links:
        lines += ["", "Links in this email (each whole, on one line):", *links]
    return "\n".join(lines)


class PrintingHandler:
    """aiosmtpd handler: print each message as it arrives."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        click.echo("\n----- email caught by the demo mail server -----")
        click.echo(readable(envelope.original_content or envelope.content))
        click.echo("----- end of email -----\n")
        return "250 Message accepted for delivery"


def start(smtp_url: str):
    """For the demo only: a local SMTP server on the configured port that prints each email,
    or None when the configured server is not on this machine (or the port is taken)."""
    from urllib.parse import urlsplit

    url = urlsplit(smtp_url)
    if url.scheme != "smtp" or url.hostname not in {"127.0.0.1", "localhost"}:
        return None
    try:
        from aiosmtpd.controller import Controller
    except ModuleNotFoundError:
        click.echo(
            "The demo's mail catcher needs the demo extra: run `make run`, or "
            "`.venv/bin/pip install -e '.[demo]'`. Emails wait in the outbox meanwhile.",
            err=True,
        )
        return None
    controller = Controller(PrintingHandler(), hostname=url.hostname, port=url.port or 25)
    try:
        controller.start()
    except OSError as exc:
        click.echo(f"(Mail catcher not started: {exc}. Emails go to {smtp_url}.)")
        return None
    click.echo(
        f"Emails (such as sign-up links) are printed here by a local mail server on "
        f"{url.hostname}:{url.port}."
    )
    return controller


class PlainRequestLog(WSGIRequestHandler):
    """One line per request: method, path, status and size; coloured only on a terminal."""

    def log_request(self, code="-", size="-") -> None:
        if sys.stderr.isatty():
            super().log_request(code, size)
            return
        line = getattr(self, "requestline", "")
        self.log("info", '"%s" %s %s', line.translate(self._control_char_table), code, size)

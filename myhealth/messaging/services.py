"""Email through real SMTP (MYHEALTH_SMTP_URL, e.g. smtp://host:25 or smtps://user:pw@host)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from myhealth.errors import DomainError


class MailNotSent(DomainError):
    status = 503


def send_email(config: dict, to: str, subject: str, body: str) -> None:
    """Send one plain-text email now; raise MailNotSent if the server refuses or is down."""
    url = urlsplit(config["SMTP_URL"])
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host, port = url.hostname or "127.0.0.1", url.port
    try:
        if url.scheme == "smtps":
            context = ssl.create_default_context()
            client = smtplib.SMTP_SSL(host, port or 465, timeout=10, context=context)
        else:
            client = smtplib.SMTP(host, port or 25, timeout=10)
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(f"email to {to} could not be sent: {exc}") from exc

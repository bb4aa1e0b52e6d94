"""How a message leaves: email over SMTP (MYHEALTH_SMTP_URL), or email and SMS through
GOV.UK Notify when MYHEALTH_NOTIFY_API_KEY is set.

A channel raises NotSent on failure, with a short reason in the channel's own terms (an SMTP
reply code, an HTTP status) that never quotes the message, and says whether trying again could
help.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from myhealth.config import ConfigError
from myhealth.errors import DomainError

SMTP_SCHEMES = {"smtp", "smtps", "smtp+starttls"}
# A Notify API key is "{key name}-{service id}-{secret}": two UUIDs at its end.
NOTIFY_KEY_TAIL = 73


class NotSent(DomainError):
    status = 503

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason[:300])
        self.reason = reason[:300]
        self.permanent = permanent


def check_config(config: dict) -> None:
    """Refuse settings the sender cannot work with, saying which one and why."""
    key = config.get("NOTIFY_API_KEY")
    if key:
        if len(key) < NOTIFY_KEY_TAIL + 1:
            raise ConfigError(
                "MYHEALTH_NOTIFY_API_KEY does not look like a GOV.UK Notify API key "
                "(name-serviceid-secret)."
            )
        if not config.get("NOTIFY_EMAIL_TEMPLATE"):
            raise ConfigError(
                "MYHEALTH_NOTIFY_EMAIL_TEMPLATE must be the id of a Notify email template "
                "with ((subject)) and ((body))."
            )
        return
    url = urlsplit(config.get("SMTP_URL") or "")
    if url.scheme not in SMTP_SCHEMES or not url.hostname:
        raise ConfigError(
            "MYHEALTH_SMTP_URL must be smtp://host:port, smtps://... or smtp+starttls://..."
        )


def send_smtp(config: dict, to: str, subject: str, body: str) -> None:
    """Send one plain-text email now over SMTP."""
    url = urlsplit(config["SMTP_URL"])
    message = EmailMessage()
    try:
        message["From"] = config["MAIL_FROM"]
        message["To"] = to
    except (ValueError, IndexError) as exc:  # the email package's parser, on a bad address
        raise NotSent("not a valid email address", permanent=True) from exc
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
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise NotSent(f"SMTP recipient refused ({codes})", permanent=True) from exc
    except smtplib.SMTPResponseException as exc:
        # 5xx is a permanent refusal in SMTP, 4xx a temporary one.
        raise NotSent(f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise NotSent(f"SMTP server not reachable ({type(exc).__name__})") from exc


def _notify_client(config: dict):
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=15
    )


def _notify_call(send, **kwargs) -> None:
    from notifications_python_client.errors import HTTPError

    try:
        send(**kwargs)
    except HTTPError as exc:
        status = exc.status_code
        # Notify's documented meaning: 400 and 403 will fail again however often they are
        # tried (a bad number, a wrong key or template); 429 and 5xx are worth retrying.
        permanent = status in (400, 403)
        raise NotSent(f"GOV.UK Notify HTTP {status}", permanent=permanent) from exc


def send_notify_email(config: dict, to: str, subject: str, body: str, reference: str) -> None:
    client = _notify_client(config)
    _notify_call(
        client.send_email_notification,
        email_address=to,
        template_id=config["NOTIFY_EMAIL_TEMPLATE"],
        personalisation={"subject": subject, "body": body},
        reference=reference,
    )


def send_notify_sms(config: dict, to: str, body: str, reference: str) -> None:
    if not config.get("NOTIFY_SMS_TEMPLATE"):
        raise NotSent("no SMS template configured (MYHEALTH_NOTIFY_SMS_TEMPLATE)")
    client = _notify_client(config)
    _notify_call(
        client.send_sms_notification,
        phone_number=to,
        template_id=config["NOTIFY_SMS_TEMPLATE"],
        personalisation={"body": body},
        reference=reference,
    )


def deliver(config: dict, channel: str, to: str, subject: str, body: str, reference: str):
    """Send one rendered message by its channel, through Notify when it is configured."""
    notify = bool(config.get("NOTIFY_API_KEY"))
    if channel == "sms":
        if not notify:
            raise NotSent("no SMS channel configured (MYHEALTH_NOTIFY_API_KEY)")
        send_notify_sms(config, to, body, reference)
    elif notify:
        send_notify_email(config, to, subject, body, reference)
    else:
        send_smtp(config, to, subject, body)

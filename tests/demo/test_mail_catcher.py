"""The demo's mail catcher prints each email as a person reads it: a sign-up link whole on
one line (not split quoted-printable), accented names as written."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

from myhealth import mailcatcher
from tests.conftest import free_port

LINK = "https://127.0.0.1:5000/sign-up/verify/" + "Ab3dEf-" * 20 + "end"


def _email() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "myhealth <no-reply@myhealth.example>"
    message["To"] = "Siân Ó Súilleabháin <sian@example.com>"
    message["Subject"] = "Confirm your email address, Siân"
    message.set_content(f"Dear Siân Ó Súilleabháin,\n\nConfirm your address:\n{LINK}\n")
    return message


def test_a_quoted_printable_email_is_printed_decoded_with_its_link_whole(capfd):
    port = free_port()
    controller = mailcatcher.start(f"smtp://127.0.0.1:{port}")
    assert controller is not None
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            raw = _email().as_bytes()
            assert b"=\n" in raw or b"=C3=A2" in raw, "sent quoted-printable, as real mail is"
            smtp.send_message(_email())
        for _ in range(50):
            out = capfd.readouterr().out
            if "end of email" in out:
                break
            time.sleep(0.05)
    finally:
        controller.stop()
    lines = out.splitlines()
    assert LINK in lines, "the link is printed whole, on a line of its own"
    assert "Subject: Confirm your email address, Siân" in lines
    assert "Dear Siân Ó Súilleabháin," in lines
    assert not any(line.endswith("=") for line in lines), "no quoted-printable soft breaks"


def test_only_a_local_server_is_started():
    assert mailcatcher.start("smtp+starttls://mail.example:587") is None
    assert mailcatcher.start("smtp://mail.example:25") is None


def test_the_demo_servers_log_is_one_plain_line_per_request_when_not_a_terminal(app, caplog):
    import threading
    import urllib.error
    import urllib.request

    from werkzeug.serving import make_server

    server = make_server(
        "127.0.0.1", 0, app, request_handler=mailcatcher.PlainRequestLog, threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"

        def get(path):  # as the app's configured server name
            return urllib.request.urlopen(
                urllib.request.Request(f"{base}{path}", headers={"Host": "localhost"})
            )

        with get("/healthz") as reply:
            assert reply.status == 200
        try:
            get("/no-such-page")
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            missing.close()
    finally:
        server.shutdown()
        server.server_close()
    lines = [r.getMessage() for r in caplog.records if "GET /" in r.getMessage()]
    assert len(lines) == 2, lines
    assert '"GET /healthz HTTP/1.1" 200' in lines[0]
    assert '"GET /no-such-page HTTP/1.1" 404' in lines[1]
    assert not any("\x1b[" in line for line in lines), "no terminal colour codes"

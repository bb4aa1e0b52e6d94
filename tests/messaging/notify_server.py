"""A local HTTP server that speaks the GOV.UK Notify API (v2) to the real
notifications-python-client: POST /v2/notifications/email and /sms, with the JWT the client
signs checked against the service id and secret of the API key, answered with the documented
JSON, or with the failures a test asks for.

https://docs.notifications.service.gov.uk/rest-api.html
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"myhealth_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 s"),
    500: ("Exception", "Internal server error"),
}


class NotifyServer:
    def __init__(self):
        self.received: list[dict] = []
        self.refused_tokens = 0
        self.failures: list[int] = []  # statuses to answer with, in order, before succeeding
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int) -> None:
                name, message = ERRORS[status]
                self._answer(
                    status,
                    {"errors": [{"error": name, "message": message}], "status_code": status},
                )

            def do_POST(self):  # noqa: N802 - http.server API
                kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(
                    self.path
                )
                length = int(self.headers.get("Content-Length", "0"))
                data = json.loads(self.rfile.read(length) or b"{}")
                if kind is None:
                    self._answer(404, {"errors": [{"error": "NotFound"}], "status_code": 404})
                    return
                if not server.token_ok(self.headers.get("Authorization", "")):
                    with server.lock:
                        server.refused_tokens += 1
                    self._error(403)
                    return
                with server.lock:
                    failure = server.failures.pop(0) if server.failures else None
                    if failure is None:
                        server.received.append({"kind": kind, **data})
                if failure is not None:
                    self._error(failure)
                    return
                self._answer(201, server.created(kind, data))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @staticmethod
    def token_ok(header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer":
            return False
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": True})
        except jwt.InvalidTokenError:
            return False
        return claims.get("iss") == SERVICE_ID and "iat" in claims

    def created(self, kind: str, data: dict) -> dict:
        personalisation = data.get("personalisation") or {}
        notification_id = str(uuid.uuid4())
        content = {"body": personalisation.get("body", "")}
        if kind == "email":
            content |= {
                "subject": personalisation.get("subject", ""),
                "from_email": "myhealth@notifications.service.gov.uk",
            }
        else:
            content |= {"from_number": "myhealth"}
        return {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": content,
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {
                "id": data["template_id"],
                "version": 1,
                "uri": f"{self.url}/services/{SERVICE_ID}/templates/{data['template_id']}",
            },
        }

    def start(self) -> NotifyServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

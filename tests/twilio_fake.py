"""A local fake of Twilio's Messages API (the part Voisins uses), for tests and the
benchmark: the real SDK talks to it on 127.0.0.1, never to the internet.

``FakeTwilio.answer`` decides the next answers: "ok" (201 with a message sid), "invalid"
(400, error 21211, the number in the text as Twilio writes it), "error" (500).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-auth-token"


class FakeTwilio:
    def __init__(self) -> None:
        self.answer = "ok"
        self.received: list[dict[str, str]] = []
        self._count = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave at once (no 40 ms wait for a delayed ACK).
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # http.server's name
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake._lock:
                    fake._count += 1
                    sid = f"SM{fake._count:032d}"
                    fake.received.append({"path": self.path, **form})
                    answer = fake.answer
                if not self.path.endswith(f"/Accounts/{ACCOUNT_SID}/Messages.json"):
                    status, body = 404, {"code": 20404, "message": "not found", "status": 404}
                elif answer == "invalid":
                    status, body = 400, {
                        "code": 21211, "status": 400,
                        "message": f"The 'To' number {form.get('To')} is not a valid phone "
                                   "number.",
                        "more_info": "https://www.twilio.com/docs/errors/21211"}
                elif answer == "error":
                    status, body = 500, {"code": 20500, "status": 500,
                                         "message": "Internal Server Error"}
                else:
                    status, body = 201, {
                        "sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"),
                        "from": form.get("From"), "body": form.get("Body"),
                        "status": "queued", "num_segments": "1", "direction": "outbound-api",
                        "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/"
                        f"{ACCOUNT_SID}/Messages/{sid}.json"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **extra: object) -> dict[str, object]:
        """VOISINS_SMS pointing Twilio's SDK at this fake."""
        return {"BACKEND": "twilio", "FILE_PATH": "", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+32460000000",
                "TWILIO_BASE_URL": self.url, "RATE": 0, **extra}

"""A fake Telegram Bot API on 127.0.0.1 (a thread with http.server): tests never reach the internet.

    with FakeTelegram(token="123:abc") as bot:
        settings.TELEGRAM_API_BASE = bot.base_url
        ...
        bot.calls → [("sendMessage", {...}), ...]

bot.fail_chat[chat_id] = (status, description) answers that chat with an error (403: blocked, 429: slow
down, 500: broken) — a list of them is used up one per call, the last one staying."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeTelegram:
    def __init__(self, token: str):
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.fail_chat: dict[int, list[tuple[int, str]]] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                prefix = f"/bot{fake.token}/"
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self.path.startswith(prefix):
                    return self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                method = self.path[len(prefix) :]
                payload = json.loads(body or b"{}")
                with fake.lock:
                    fake.calls.append((method, payload))
                    failures = fake.fail_chat.get(payload.get("chat_id"))
                    failure = (failures.pop(0) if len(failures) > 1 else failures[0]) if failures else None
                if failure:
                    status, description = failure
                    answer = {"ok": False, "error_code": status, "description": description}
                    if status == 429:
                        answer["parameters"] = {"retry_after": 3}
                    return self._answer(status, answer)
                return self._answer(200, {"ok": True, "result": {"message_id": len(fake.calls)}})

            def _answer(self, status, answer):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sent(self, chat_id=None) -> list[dict]:
        return [
            p for m, p in self.calls if m == "sendMessage" and (chat_id is None or p["chat_id"] == chat_id)
        ]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

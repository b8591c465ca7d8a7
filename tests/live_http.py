"""The app served over real HTTP from a thread, and a browser-like client for it (stdlib only),
for tests where requests must really run at the same time."""

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import make_server

from tests.conftest import PASSWORD, csrf_from


@contextmanager
def served(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, one thread a request, as `flask run` serves it."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str


class HttpBrowser:
    """Keeps its cookies and posts forms with the CSRF token of the last page it saw."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.last_html = ""

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=120) as response:
                reply = Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, dict(error.headers), error.read().decode())
        if reply.status == 200 and reply.headers.get("Content-Type", "").startswith("text/html"):
            self.last_html = reply.text
        return reply

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict, files: dict[str, tuple[str, bytes]] | None = None):
        """Post the fields (and files: name -> (file name, content)) as the form would."""
        fields = {"csrf_token": csrf_from(self.last_html), **data}
        if files is None:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            body, headers = _multipart(fields, files)
        request = urllib.request.Request(self.base + path, body, headers, method="POST")
        return self._open(request)

    def login(self, username: str, password: str = PASSWORD) -> Reply:
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
    boundary = "live-http-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, (file_name, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}

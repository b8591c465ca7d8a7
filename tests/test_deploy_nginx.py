"""The nginx example in deploy/ is valid nginx, and the app behind it sees the client's address
and the HTTPS scheme from the headers it sets."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request

from quizapp import create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def nginx_test(main_conf: Path, prefix: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(main_conf)],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_nginx
def test_the_example_config_is_valid_nginx(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*openssl, "-subj", "/CN=x", "-keyout", str(key), "-out", str(certificate)],
        capture_output=True,
        check=True,
    )
    site = EXAMPLE.read_text()
    site = site.replace("/etc/letsencrypt/live/quiz.example.org/fullchain.pem", str(certificate))
    site = site.replace("/etc/letsencrypt/live/quiz.example.org/privkey.pem", str(key))
    # Unprivileged ports on loopback only, so the test needs no rights and opens nothing.
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443", "listen 127.0.0.1:18443").replace(
        "listen 80;", "listen 127.0.0.1:18080;"
    )
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n"
    )
    result = nginx_test(main, tmp_path)
    assert result.returncode == 0, result.stderr


@needs_nginx
def test_the_load_benchmark_writes_a_valid_nginx_config(tmp_path, monkeypatch):
    pytest.importorskip("aiohttp")
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    load = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_load", load)  # its dataclasses look themselves up
    spec.loader.exec_module(load)
    main = tmp_path / "nginx.conf"
    main.write_text(
        load.NGINX_CONF.format(
            scratch=tmp_path, port=18081, servers="        server 127.0.0.1:18082;"
        )
    )
    result = nginx_test(main, tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_example_sets_the_headers_the_app_reads():
    config = EXAMPLE.read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in config
    assert "PROXY_COUNT=1" in config


def test_behind_one_proxy_the_app_sees_the_client_and_https(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
            "PROXY_COUNT": 1,
        }
    )

    @app.get("/_seen")
    def seen():
        return {"address": request.remote_addr, "scheme": request.scheme, "host": request.host}

    headers = {
        # A client's own X-Forwarded-For entry comes first; nginx appends the real address.
        "X-Forwarded-For": "6.6.6.6, 203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "quiz.example.org",
    }
    response = app.test_client().get("/_seen", headers=headers)
    assert response.json == {
        "address": "203.0.113.7",
        "scheme": "https",
        "host": "quiz.example.org",
    }

"""Load benchmark of the student flow, served by gunicorn on loopback and driven over HTTP.

Simulated students log in, open the quiz, answer every question one request at a time (real form
posts: the CSRF token and the choice tokens are read from each page), submit and read their
results. Three phases:

- throughput: a few connections save answers back to back; a Flask hello-world is served with
  the same gunicorn settings and measured the same way; the ratio is our distance from it;
- paced: a class of students each answering a question every 3 s on average;
- burst: the class submitting within the same few seconds.

Afterwards every submitted attempt's score is checked against the score computed from the
answers the students sent. `python bench/load.py --json` prints one JSON object.

On a machine with two cores or more the servers (and the hello-world's) run on core 0 and the
driver on core 1 (`--cpus SERVER:DRIVER`, `--cpus none` to let them share), so the driver does
not take the server's CPU; the driver's own CPU use is reported for each phase. nginx, when used,
is started by the driver and runs on its core.

`--servers 2 --balancer nginx` serves the app (and the hello-world) with two gunicorn servers
behind nginx on loopback, as several app servers share one database in production.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CHOICE = re.compile(r'name="(choice|choices|ground|match-[\w-]+)"')


def hello_app():
    """The framework's limit: a Flask app that answers one short text (for gunicorn)."""
    from flask import Flask

    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


# -- measuring -----------------------------------------------------------------------------------


@dataclass
class Recorder:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # When each request of a step ended, to measure rates.
    ended: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    server_errors: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, step: str, ms: float, ok: bool, status: int, url: str) -> None:
        self.times[step].append(ms)
        self.ended[step].append(time.perf_counter())
        if not ok:
            self.errors[step] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{step}: HTTP {status} {url}")
        if status >= 500:
            self.server_errors += 1

    def summary(self, steps: list[str] | None = None) -> dict[str, Any]:
        values = [v for s, vs in self.times.items() if steps is None or s in steps for v in vs]
        errors = sum(n for s, n in self.errors.items() if steps is None or s in steps)
        return {"requests": len(values), **percentiles(values), "errors": errors}

    def p95_by_window(self, seconds: float) -> list[float | None]:
        """The p95 of the requests that ended in each window of the phase, in order: whether
        slow requests are spread over the phase or bunched (at the opening rush, say)."""
        ended = [
            pair
            for step in self.times
            for pair in zip(self.ended[step], self.times[step], strict=True)
        ]
        if not ended:
            return []
        first = min(e for e, _ in ended)
        windows: dict[int, list[float]] = defaultdict(list)
        for e, ms in ended:
            windows[int((e - first) // seconds)].append(ms)
        return [percentiles(windows[w])["p95_ms"] for w in range(max(windows) + 1)]

    def steps(self) -> dict[str, dict[str, Any]]:
        return {
            step: {"count": len(values), **percentiles(values), "errors": self.errors[step]}
            for step, values in self.times.items()
        }


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0)}


# -- a simulated student -------------------------------------------------------------------------


class Student:
    """One browser: its own cookies and connection, following the pages as a person would."""

    def __init__(self, base: str, username: str, recorder: Recorder, rng: random.Random):
        self.base = base
        self.username = username
        self.recorder = recorder
        self.rng = rng
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            connector=aiohttp.TCPConnector(limit=1),
        )
        self.csrf = ""
        # (attempt id, position) → the form fields last sent for that question.
        self.sent: dict[tuple[int, int], dict[str, Any]] = {}
        self.shown_points: dict[int, str] = {}
        # When this student's answers would go out if every page came back at once (seconds
        # from the phase's start): what the class offers, whatever the server does.
        self.planned: list[float] = []

    async def close(self) -> None:
        await self.session.close()

    async def call(
        self, step: str, method: str, url: str, expect: int, data: Any = None
    ) -> tuple[int, str, str]:
        started = time.perf_counter()
        status, body, location = 0, "", ""
        # A kept-alive connection the server closed or reset just as the request went out is
        # sent again once on a new connection, as browsers do; any other failure is an error.
        for last_try in (False, True):
            try:
                async with self.session.request(
                    method, self.base + url, data=data, allow_redirects=False
                ) as response:
                    body = await response.text()
                    status, location = response.status, response.headers.get("Location", "")
                break
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
                body = f"{type(error).__name__}: {error}"
                if last_try:
                    break
            except aiohttp.ClientError as error:
                body = f"{type(error).__name__}: {error}"
                break
        ms = 1000 * (time.perf_counter() - started)
        self.recorder.add(step, ms, status == expect, status, url)
        if match := TOKEN.search(body):
            self.csrf = match.group(1)
        if location.startswith(self.base):
            location = location[len(self.base) :]
        return status, body, location

    async def log_in(self) -> bool:
        await self.call("login page", "GET", "/login", 200)
        form = {"csrf_token": self.csrf, "username": self.username, "password": PASSWORD}
        status, _, _ = await self.call("log in", "POST", "/login", 302, form)
        return status == 302

    async def start(self, assignment_id: int, step: str = "start") -> str | None:
        """Open the quiz from the student's home page; the first question's address."""
        _, home, _ = await self.call("home", "GET", "/home", 200)
        if f"/assignments/{assignment_id}/start" not in home:
            return None
        status, _, location = await self.call(
            step, "POST", f"/assignments/{assignment_id}/start", 302, {"csrf_token": self.csrf}
        )
        return location if status == 302 else None

    def answer_fields(self, page: str) -> dict[str, Any]:
        return answer_fields(page, self.rng)

    async def answer(self, url: str, page: str, go: str, step: str = "save answer") -> str:
        attempt_id, position = map(int, re.findall(r"/attempts/(\d+)/q/(\d+)", url)[0])
        fields = self.answer_fields(page)
        form = [("csrf_token", self.csrf), ("go", go)]
        for name, value in fields.items():
            form += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        status, _, location = await self.call(step, "POST", url, 302, form)
        if status == 302:
            self.sent[(attempt_id, position)] = fields
        return location

    async def take_quiz(self, first: str, think: tuple[float, float] | None) -> int | None:
        """Answer every question in turn, pausing to think, then submit; the attempt's id."""
        url = first
        while "/q/" in url:
            _, page, _ = await self.call("question page", "GET", url, 200)
            if think:
                pause = self.rng.uniform(*think)
                self.planned.append((self.planned[-1] if self.planned else 0) + pause)
                await asyncio.sleep(pause)
            url = await self.answer(url, page, "next")
        if not url.endswith("/review"):
            return None
        attempt_id = int(re.findall(r"/attempts/(\d+)/", url)[0])
        await self.call("review", "GET", url, 200)
        await self.submit(attempt_id, "submit")
        return attempt_id

    async def answer_all(self, first: str) -> int | None:
        """Answer every question without pausing (to prepare the burst)."""
        url = first
        while "/q/" in url:
            _, page, _ = await self.call("prepare", "GET", url, 200)
            url = await self.answer(url, page, "next", step="prepare")
        if not url.endswith("/review"):
            return None
        await self.call("prepare", "GET", url, 200)
        return int(re.findall(r"/attempts/(\d+)/", url)[0])

    async def submit(self, attempt_id: int, step: str) -> None:
        form = {"csrf_token": self.csrf, "confirm_unanswered": "y"}
        status, _, location = await self.call(
            step, "POST", f"/attempts/{attempt_id}/submit", 302, form
        )
        if status == 302:
            _, page, _ = await self.call("result", "GET", location, 200)
            if match := re.search(r"<p>([\d.]+) of ([\d.]+) points", page):
                self.shown_points[attempt_id] = match.group(1)


# -- phases --------------------------------------------------------------------------------------


def answer_fields(page: str, rng: random.Random) -> dict[str, Any]:
    """A random answer, made of the tokens offered on the page, in the page's field names."""
    offered: dict[str, list[str]] = defaultdict(list)
    for name, value in re.findall(r'name="(choice|choices|ground)" value="(c[0-9a-f]{12})"', page):
        offered[name].append(value)
    for select in re.finditer(r'<select[^>]*name="(match-[^"]+)"[^>]*>(.*?)</select>', page, re.S):
        offered[select.group(1)] = re.findall(r'value="(c[0-9a-f]{12})"', select.group(2))
    fields: dict[str, Any] = {}
    for name, tokens in offered.items():
        if name == "choice" or name.startswith("match-"):
            fields[name] = rng.choice(tokens)
        else:
            k = rng.randint(1, min(3, len(tokens)))
            fields[name] = rng.sample(tokens, k)
    return fields


async def gather_limited(coroutines: list, limit: int) -> list:
    gate = asyncio.Semaphore(limit)

    async def run(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines))


async def back_to_back(
    students: list[Student], assignment_id: int, seconds: float
) -> dict[str, float]:
    """Answer saves per second over a few connections with no think time, then question-page
    views per second the same way."""
    pages: list[list[tuple[str, str]]] = []
    for student in students:
        url = await student.start(assignment_id, step="prepare")
        questions = []
        while url and "/q/" in url:
            _, page, _ = await student.call("prepare", "GET", url, 200)
            questions.append((url, page))
            number, total = map(int, re.findall(r"Question (\d+) of (\d+)", page)[0])
            url = url.rsplit("/", 1)[0] + f"/{number}" if number < total else None
        pages.append(questions)

    async def save(student: Student, questions: list[tuple[str, str]]) -> None:
        url, page = student.rng.choice(questions)
        await student.answer(url, page, "stay", step="throughput save")

    async def view(student: Student, questions: list[tuple[str, str]]) -> None:
        await student.call("throughput page", "GET", student.rng.choice(questions)[0], 200)

    rates = {}
    for name, request in (("save", save), ("page", view)):
        rates[name], rates[f"{name}_driver_cpu"] = await repeat(request, students, pages, seconds)
    return rates


async def repeat(request, students: list[Student], pages: list, seconds: float) -> tuple:
    """Requests per second, each student sending request after request for seconds; and the
    driver's CPU share meanwhile."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def loop(student: Student, questions: list[tuple[str, str]]) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await request(student, questions)
            done += 1

    with DriverCpu() as cpu:
        await asyncio.gather(*(loop(s, q) for s, q in zip(students, pages, strict=True)))
    return done / cpu.wall, cpu.share


class DriverCpu:
    """The driver's own CPU time over a phase, as a share of one core (1.0: one core busy)."""

    def __enter__(self) -> DriverCpu:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.share = round((time.process_time() - self._cpu) / self.wall, 2)


async def hello_back_to_back(base: str, connections: int, seconds: float) -> float:
    """Requests per second to the hello-world over a few connections, as the saves are sent."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal done
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
            while time.perf_counter() < deadline:
                async with session.get(base + "/") as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"hello-world answered {response.status}")
                done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(connections)))
    return done / (time.perf_counter() - started)


async def run_app_phases(base: str, plan: dict[str, Any], args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    recorder = Recorder()
    students = [
        Student(base, name, recorder, random.Random(rng.random())) for name in plan["usernames"]
    ]
    try:
        # Log-in hashes a password (scrypt, slow on purpose): a class logs in over a minute or
        # so, not at one instant, so log-ins are done before the timed phases, 20 at a time.
        started = time.perf_counter()
        logged_in = await gather_limited([s.log_in() for s in students], 20)
        login_seconds = time.perf_counter() - started
        if not all(logged_in):
            raise SystemExit(f"log-in failed: {recorder.examples}")
        login = {"students": len(students), "seconds": round(login_seconds, 1)}
        login.update(percentiles(recorder.times["log in"]))

        throughput = await back_to_back(
            students[: args.connections], plan["throughput"], args.seconds
        )
        if args.throughput_only:
            return {"login": login, "throughput": throughput, "students": students}

        # Paced: everyone opens the quiz within a few seconds, then answers every 1–5 s (3 s on
        # average, --think), so a class of 300 sends about 100 answers a second.
        paced = Recorder()
        for student in students:
            student.recorder = paced

        async def paced_student(student: Student) -> int | None:
            delay = student.rng.uniform(0, args.think)
            student.planned = [delay]
            await asyncio.sleep(delay)
            first = await student.start(plan["paced"])
            pause = (args.think / 3, args.think * 5 / 3)
            return await student.take_quiz(first, pause) if first else None

        with DriverCpu() as paced_cpu:
            paced_attempts = await asyncio.gather(*(paced_student(s) for s in students))
        paced_seconds = paced_cpu.wall
        answers = len(paced.times["save answer"])

        # Burst: every student has answered everything, then all submit within a few seconds.
        burst = Recorder()
        for student in students:
            student.recorder = burst

        async def prepare(student: Student) -> int | None:
            first = await student.start(plan["burst"], step="prepare")
            return await student.answer_all(first) if first else None

        burst_attempts = await gather_limited([prepare(s) for s in students], 8)

        async def burst_submit(student: Student, attempt_id: int | None) -> None:
            if attempt_id is not None:
                await asyncio.sleep(student.rng.uniform(0, args.burst_window))
                await student.submit(attempt_id, "burst submit")

        await asyncio.gather(
            *(burst_submit(s, a) for s, a in zip(students, burst_attempts, strict=True))
        )
    finally:
        await asyncio.gather(*(s.close() for s in students))

    saves = paced.ended["save answer"]
    save_span = max(saves) - min(saves) if len(saves) > 1 else 0
    planned = [t for s in students for t in s.planned[1:]]
    planned_span = max(planned) - min(planned) if len(planned) > 1 else 0
    return {
        "login": login,
        "throughput": throughput,
        "paced": {
            "students": len(students),
            "questions": plan["paced_questions"],
            "answers": answers,
            "seconds": round(paced_seconds, 1),
            # From the first answer saved to the last.
            "answers_per_s": round(answers / save_span, 1) if save_span else 0,
            # The same, had every request been answered at once: the rate the class offers.
            "offered_answers_per_s": round(answers / planned_span, 1) if planned_span else 0,
            "p95_ms_by_10_s": paced.p95_by_window(10),
            "driver_cpu": paced_cpu.share,
            **paced.summary(),
            "server_errors": paced.server_errors,
            "completed": sum(a is not None for a in paced_attempts),
            "steps": paced.steps(),
        },
        "burst": {
            "students": len(students),
            "window_s": args.burst_window,
            "submitted": sum(a is not None for a in burst_attempts),
            **burst.summary(["burst submit"]),
            "result_page": percentiles(burst.times["result"]),
            "server_errors": burst.server_errors,
            "prepare_errors": burst.errors["prepare"],
        },
        "error_examples": paced.examples + burst.examples + recorder.examples,
        "students": students,
        "attempts": [a for a in paced_attempts + burst_attempts if a is not None],
    }


# -- the servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}") from None
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"{name} did not start")


def serve(
    target: str, args: argparse.Namespace, env: dict[str, str], scratch: Path
) -> tuple[list[subprocess.Popen], str]:
    """args.servers gunicorn servers, behind nginx when args.balancer says so; the base URL."""
    if args.balancer != "nginx":
        process, base = gunicorn(target, args, env)
        return [process], base
    # Behind one proxy: the app takes the client's address from X-Forwarded-For.
    env = {**env, "PROXY_COUNT": "1"}
    processes, ports = [], []
    try:
        for _ in range(args.servers):
            process, base = gunicorn(target, args, env)
            processes.append(process)
            ports.append(int(base.rsplit(":", 1)[1]))
        process, base = nginx(ports, scratch)
        processes.append(process)
    except BaseException:
        for process in processes:
            stop(process)
        raise
    return processes, base


NGINX_CONF = """\
# Written by bench/load.py for one run; deploy/nginx.conf is the example for production.
worker_processes 1;
worker_rlimit_nofile 8192;
pid {scratch}/nginx.pid;
error_log {scratch}/nginx-error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    # Keep request and response bodies in memory: the worker processes run as another user,
    # who may not write to this folder.
    client_body_buffer_size 64k;
    proxy_max_temp_file_size 0;
    client_body_temp_path {scratch}/client_body;
    proxy_temp_path {scratch}/proxy;
    fastcgi_temp_path {scratch}/fastcgi;
    uwsgi_temp_path {scratch}/uwsgi;
    scgi_temp_path {scratch}/scgi;
    upstream quizapp {{
        least_conn;
{servers}
        keepalive 64;
        # Shorter than gunicorn's --keep-alive, so nginx never sends a request (a POST, which
        # it would not retry) on a connection gunicorn is closing.
        keepalive_timeout 5s;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=2048;
        keepalive_timeout 65s;
        client_max_body_size 4m;
        location / {{
            proxy_pass http://quizapp;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }}
    }}
}}
"""


def nginx(ports: list[int], scratch: Path) -> tuple[subprocess.Popen, str]:
    """nginx on loopback balancing over the given app servers (nginx from the OS's packages)."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        raise SystemExit("--balancer nginx needs nginx (Debian: apt-get install nginx)")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="nginx-", dir=scratch))
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            scratch=folder,
            port=port,
            servers="\n".join(f"        server 127.0.0.1:{p};" for p in ports),
        )
    )
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(conf)]
    )
    wait_for_port(port, process, "nginx")
    return process, f"http://127.0.0.1:{port}"


def gunicorn(target: str, args: argparse.Namespace, env: dict[str, str]) -> tuple[Any, str]:
    port = free_port()
    command = [
        *(["taskset", "-c", args.server_cpus] if args.server_cpus else []),
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        # Longer than a student's longest pause, so a kept-alive connection is not closed just
        # as the next request goes out on it.
        "--keep-alive",
        "10",
        "--log-level",
        "warning",
        "--pythonpath",
        f"{ROOT},{ROOT / 'bench'}",
        target,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    wait_for_port(port, process, f"gunicorn {target}")
    return process, f"http://127.0.0.1:{port}"


def cpu_list(text: str) -> set[int]:
    """taskset's list syntax ("1", "0-1", "0,2") as a set of core numbers."""
    cores: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return cores


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- data and checks -----------------------------------------------------------------------------


def prepare_data(app, args: argparse.Namespace) -> dict[str, Any]:
    """A class of students and three open assignments: one per phase."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from quizapp.extensions import db
    from quizapp.models import Assignment, Classroom, Question, QuestionSet, User, utcnow
    from quizapp.services.generate import generate
    from quizapp.services.question_bank import load_bank

    with app.app_context():
        upgrade()
        load_bank(Path(app.config["QUESTIONS_DIR"]))
        db.session.commit()
        prefix = f"load{secrets.token_hex(3)}"
        generate(args.students, 1, 0, password=PASSWORD, prefix=prefix, seed=args.seed)
        teacher = db.session.scalar(sa.select(User).where(User.username == f"{prefix}.teacher001"))
        classroom = db.session.scalar(
            sa.select(Classroom).where(Classroom.teacher_id == teacher.id)
        )
        plan: dict[str, Any] = {
            "usernames": [f"{prefix}.s{n:05d}" for n in range(1, args.students + 1)]
        }
        for phase, slug in (
            ("throughput", "check-in"),
            ("paced", args.paced_set),
            ("burst", "check-out"),
        ):
            qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
            assignment = Assignment(
                classroom_id=classroom.id,
                set_id=qset.id,
                opens_at=utcnow() - timedelta(hours=1),
                due_at=utcnow() + timedelta(days=1),
                attempts_allowed=1,
                shuffle_choices=True,
            )
            db.session.add(assignment)
            db.session.flush()
            plan[phase] = assignment.id
            if phase == "paced":
                plan["paced_questions"] = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Question)
                    .where(Question.set_id == qset.id, Question.position.is_not(None))
                )
        db.session.commit()
        db.engine.dispose()
    return plan


def check_scores(app, students: list[Student], attempt_ids: list[int]) -> dict[str, Any]:
    """Every submitted score equals the one computed here from the answers that were sent."""
    import sqlalchemy as sa

    from quizapp.extensions import db
    from quizapp.models import Attempt
    from quizapp.question_types import ground
    from quizapp.services.attempts import parse_answer
    from quizapp.templating import format_points

    sent: dict[tuple[int, int], dict[str, Any]] = {}
    shown: dict[int, str] = {}
    for student in students:
        sent.update(student.sent)
        shown.update(student.shown_points)
    mismatches = []
    key = app.config["SECRET_KEY"].encode()  # the servers' key, that made the pages' tokens
    with app.app_context():
        attempts = db.session.scalars(sa.select(Attempt).where(Attempt.id.in_(attempt_ids)))
        checked = 0
        for attempt in attempts:
            expected = 0.0
            for item in attempt.items:
                # The app's own parser turns the tokens sent back into the answer they stand for.
                answer = parse_answer(item, sent.get((attempt.id, item.position), {}), key)
                version = item.question_version
                expected += version.question_type.grade(version.content, answer)
                if "ground" in version.content:
                    expected += ground.grade(version.content, answer)
            checked += 1
            # The page shows points as everyone is shown them (templating.format_points).
            shown_ok = attempt.id not in shown or shown[attempt.id] == format_points(attempt.score)
            if attempt.submitted_at is None or abs(attempt.score - expected) > 1e-6 or not shown_ok:
                mismatches.append((attempt.id, attempt.score, expected, shown.get(attempt.id)))
        db.engine.dispose()
    return {"attempts": checked, "score_mismatches": len(mismatches), "examples": mismatches[:5]}


# -- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--students", type=int, default=300, help="the class (paced and burst)")
    parser.add_argument("--connections", type=int, default=4, help="for the throughput phase")
    parser.add_argument("--seconds", type=float, default=10, help="throughput phase length")
    parser.add_argument("--think", type=float, default=3, help="average seconds per answer")
    parser.add_argument("--burst-window", type=float, default=5, help="seconds")
    parser.add_argument("--paced-set", default="corroborated-or-not", help="question set slug")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--servers", type=int, default=1, help="gunicorn servers (more than one needs --balancer)"
    )
    parser.add_argument(
        "--balancer",
        choices=("none", "nginx"),
        default="none",
        help="put the servers behind nginx on loopback",
    )
    parser.add_argument(
        "--ratelimit-storage",
        help="RATELIMIT_STORAGE_URI for the servers, e.g. redis://127.0.0.1:6379 (default: memory)",
    )
    parser.add_argument(
        "--throughput-only", action="store_true", help="skip the paced and burst phases"
    )
    parser.add_argument(
        "--cpus",
        default="0:1" if (os.cpu_count() or 1) >= 2 else "none",
        help="SERVER:DRIVER cores (taskset lists, e.g. 0:1 or 0-1:2), or none (default: 0:1 "
        "on two cores or more)",
    )
    parser.add_argument(
        "--database-url",
        help="an empty database, e.g. postgresql://postgres@127.0.0.1:5432/quizapp_load "
        "(default: SQLite in a temporary folder)",
    )
    args = parser.parse_args()
    args.students = max(args.students, args.connections)
    args.server_cpus, args.driver_cpus = (None, None)
    if args.cpus != "none":
        args.server_cpus, _, args.driver_cpus = args.cpus.partition(":")
        if not args.driver_cpus or not shutil.which("taskset"):
            parser.error("--cpus needs SERVER:DRIVER and the taskset command (util-linux)")
    if args.servers > 1 and args.balancer == "none":
        parser.error("--servers above 1 needs --balancer nginx")

    sys.path.insert(0, str(ROOT))
    from quizapp import create_app

    scratch = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    url = args.database_url or f"sqlite:///{scratch / 'load.sqlite3'}"
    secret = secrets.token_hex(32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secret,
        # One address sends every log-in here; the ceiling against floods is not under test.
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
    }
    if args.ratelimit_storage:
        env["RATELIMIT_STORAGE_URI"] = args.ratelimit_storage
    try:
        plan = prepare_data(app, args)
        if args.driver_cpus:
            os.sched_setaffinity(0, cpu_list(args.driver_cpus))
        servers, base = serve("quizapp:create_app()", args, env, scratch)
        try:
            outcome = asyncio.run(run_app_phases(base, plan, args))
        finally:
            for server in reversed(servers):
                stop(server)
        servers, hello_base = serve("load:hello_app()", args, env, scratch)
        try:
            hello_rps = asyncio.run(hello_back_to_back(hello_base, args.connections, args.seconds))
        finally:
            for server in reversed(servers):
                stop(server)
        verified = check_scores(app, outcome["students"], outcome.get("attempts", []))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rates = outcome["throughput"]
    result = {
        "throughput": {
            "answer_save_rps": round(rates["save"], 1),
            "hello_world_rps": round(hello_rps, 1),
            "ratio": round(rates["save"] / hello_rps, 3),
            "question_page_rps": round(rates["page"], 1),
            "question_page_ratio": round(rates["page"] / hello_rps, 3),
            "driver_cpu": {"save": rates["save_driver_cpu"], "page": rates["page_driver_cpu"]},
            "connections": args.connections,
            "seconds": args.seconds,
        },
        "paced": outcome.get("paced"),
        "burst": outcome.get("burst"),
        "login": outcome["login"],
        "verified": verified,
        "error_examples": outcome.get("error_examples", []),
        "settings": {
            "database": url.split(":", 1)[0],
            "gunicorn": f"--workers {args.workers} --worker-class gthread --threads {args.threads} "
            "--keep-alive 10",
            "servers": args.servers,
            "balancer": args.balancer,
            "cpus": os.cpu_count(),
            "server_cpus": args.server_cpus,
            "driver_cpus": args.driver_cpus,
        },
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)
    failed = verified["score_mismatches"] or any(
        result[phase] and result[phase]["server_errors"] for phase in ("paced", "burst")
    )
    return 1 if failed else 0


def print_report(result: dict[str, Any]) -> None:
    t, p, b = result["throughput"], result["paced"], result["burst"]
    settings = result["settings"]
    print(
        f"{settings['servers']} × gunicorn {settings['gunicorn']} on {settings['cpus']} cores, "
        f"{settings['database']}, balancer: {settings['balancer']}"
    )
    print(
        f"throughput: {t['answer_save_rps']} answer saves/s vs hello-world "
        f"{t['hello_world_rps']}/s: ratio {t['ratio']}; question page {t['question_page_rps']}/s: "
        f"ratio {t['question_page_ratio']}; driver CPU {t['driver_cpu']}"
    )
    if p is None:
        print(f"log-in: {result['login']}")
        return
    print(
        f"paced: {p['students']} students, {p['answers_per_s']} answers/s "
        f"(offered {p['offered_answers_per_s']}); p50 {p['p50_ms']} ms, "
        f"p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms; {p['errors']} errors; "
        f"p95 by 10 s: {p['p95_ms_by_10_s']}"
    )
    for step, s in p["steps"].items():
        print(
            f"  {step:14} {s['count']:6}  p50 {s['p50_ms']:7} p95 {s['p95_ms']:7} "
            f"p99 {s['p99_ms']:7} max {s['max_ms']:7}  errors {s['errors']}"
        )
    print(
        f"burst: {b['submitted']} submits in {b['window_s']} s: p50 {b['p50_ms']} ms, "
        f"p95 {b['p95_ms']} ms, p99 {b['p99_ms']} ms; {b['errors']} errors"
    )
    print(f"log-in: {result['login']}")
    print(f"verified: {result['verified']}")
    for example in result["error_examples"]:
        print(f"error: {example}")


if __name__ == "__main__":
    sys.exit(main())

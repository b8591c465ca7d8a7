"""Template filters and globals."""

from datetime import datetime, timedelta
from functools import lru_cache

from flask import Flask
from markupsafe import Markup

from quizapp import question_types
from quizapp.services.articles import render_body
from quizapp.timezone import to_local


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def format_duration(ms: int | float | None) -> str:
    if not ms:
        return "–"
    seconds = int(ms // 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_remaining(delta: timedelta) -> str:
    return format_duration(max(0, delta.total_seconds() * 1000))


def format_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%"


def format_points(value: float | None) -> str:
    """Points as everyone is shown them, with at most one decimal: 4.1, 1, 0.5.

    Partial credit makes thirds ("1.73 of 46"): a tenth of a point is as fine as anyone reads.
    """
    return "0" if not value else f"{value:.1f}".rstrip("0").rstrip(".")


def score_band(value: float | None) -> str:
    """A band name for colouring a score; the number is always shown beside it."""
    if value is None:
        return "none"
    if value >= 80:
        return "high"
    if value >= 50:
        return "mid"
    return "low"


DRAFT_STATUS = {
    "collecting": "adding articles",
    "queued": "waiting for the builder",
    "running": "being read",
    "ready": "ready to review",
    "failed": "stopped on an error",
}


@lru_cache(maxsize=256)
def article_text(body: str) -> Markup:
    """An article's paragraphs as HTML, nothing marked. Kept per process: the question page
    shows the same few articles to a whole class, and this is the larger part of it."""
    paragraphs = render_body(body)[0]
    return Markup("\n").join(
        Markup('<p class="caption">{}</p>' if p.caption else "<p>{}</p>").format(
            "".join(s.text for s in p.segments)
        )
        for p in paragraphs
    )


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        time=format_time,
        duration=format_duration,
        points=format_points,
        percent=format_percent,
        band=score_band,
        remaining=format_remaining,
        draft_status=DRAFT_STATUS.get,
        article_text=article_text,
    )
    # Templates pick a question's macros through its type (a draft's question is plain data).
    app.jinja_env.globals["question_type"] = question_types.get
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

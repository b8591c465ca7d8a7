"""Conversions between stored UTC times and the school's local time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone())


def to_utc(local: datetime) -> datetime:
    """A naive local time, as entered in a form, to naive UTC for storage."""
    return local.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)

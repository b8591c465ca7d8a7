"""Conversions between stored UTC times and the school's local time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone())


def to_utc(local: datetime) -> datetime:
    """A naive local time, as entered in a form, to naive UTC for storage.

    Raises ValueError for a time the clocks skip (a daylight-saving gap) or out of range.
    """
    try:
        moment = local.replace(tzinfo=zone()).astimezone(UTC)
        back = moment.astimezone(zone()).replace(tzinfo=None)
    except OverflowError:
        raise ValueError("That date is out of range.") from None
    if back != local:
        raise ValueError("That time does not exist here: the clocks change then.")
    return moment.replace(tzinfo=None)

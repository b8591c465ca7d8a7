"""URL converters."""

from werkzeug.routing import IntegerConverter

# Ids and positions fit the database's 32-bit integers; larger numbers are simply not found.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, max=MAX_ID)

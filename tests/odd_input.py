"""Input that once froze or crashed the app, shared by the tests that show it no longer does."""

from itertools import pairwise
from string import ascii_lowercase

# "Billion laughs" in YAML: nine levels of nine aliases stand for 9**9 strings in 400 bytes.
_LEVELS = ascii_lowercase[:9]
ALIAS_BOMB = (
    f"a: &a [{', '.join(['lol'] * 9)}]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{below}'] * 9)}]\n" for below, name in pairwise(_LEVELS)
    )
    + f"title: *{_LEVELS[-1]}\n"
)
BODY = (
    "The river rose two metres overnight and the council closed the old bridge at dawn, "
    "said Ana Ruiz, who runs the flood office.\n\n"
    "“We will open it again when the water falls,” she said on Tuesday morning.\n"
)


def with_front_matter(head: str, body: str = BODY) -> str:
    """An article in the bank's format with this front matter."""
    return f"---\n{head}---\n{body}"

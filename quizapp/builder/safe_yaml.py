"""The one way YAML is read and written (front matter and set files): on reading, size
first, no aliases, shallow nesting; on writing, no aliases either.

PyYAML's safe loader still follows aliases: a few hundred bytes of nested aliases stand for
billions of items, and whatever prints or walks the result (str(), json.dumps) never ends.
Nothing we read needs an alias, so the first one is refused before anything is built, and
what we write spells every value out, so our own files are always read back.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_FRONT_MATTER_CHARS = 10_000
MAX_DEPTH = 20  # a set file nests about six levels deep; front matter is one flat mapping
# PyYAML's own words for "a colon inside a plain value", which quotes fix.
UNQUOTED_COLON = "mapping values are not allowed here"


class YamlRefused(ValueError):
    """YAML that is not read; the message says why and where, in one line."""


class _Refusal(Exception):
    def __init__(self, reason: str, mark: yaml.Mark) -> None:
        super().__init__(reason)
        self.reason, self.mark = reason, mark


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing aliases and deep nesting while the document is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refusal(
                f"uses the alias *{event.anchor}; aliases are not accepted, "
                "write the value out in full",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise _Refusal(f"is nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(text: str, *, what: str, max_chars: int, first_line: int = 1) -> Any:
    """The one YAML document in text; YamlRefused says what is wrong, naming `what` and the line.

    first_line is the line of the file that text starts on, so messages point into the file.
    """
    if len(text) > max_chars:
        raise YamlRefused(f"{what} is longer than {max_chars:,} characters")
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_data()
    except _Refusal as refusal:
        raise YamlRefused(
            f"{what} {refusal.reason} (line {refusal.mark.line + first_line})"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + first_line}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "unreadable"
        hint = "; put a value that contains ': ' in quotes" if problem == UNQUOTED_COLON else ""
        raise YamlRefused(f"{what} is not valid YAML{where}: {problem}{hint}") from None
    except yaml.reader.ReaderError as exc:
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise YamlRefused(f"{what} has a character YAML does not accept: U+{code:04X}") from None
    except (ValueError, OverflowError) as exc:
        # A value PyYAML recognises but Python cannot build: 2019-02-30, a 5,000-digit number.
        reason = str(exc).split(":")[0]
        raise YamlRefused(f"{what} has a value that cannot be read ({reason})") from None
    finally:
        if loader is not None:
            loader.dispose()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # PyYAML would write an object that appears twice as an alias


def dump_yaml(data: Any, *, width: int = 100) -> str:
    """data as YAML that load_yaml reads back: every value written out, keys in their order."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=width)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter, body) when text opens with a block between '---' lines, else None."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        return None
    return text[4:end], text[end + 5 :]

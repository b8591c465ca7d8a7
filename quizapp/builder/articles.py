"""Reading a folder of articles: the bank's format (front matter + body) or plain text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from quizapp.builder.safe_yaml import (
    MAX_FRONT_MATTER_CHARS,
    YamlRefused,
    dump_yaml,
    load_yaml,
    split_front_matter,
)
from quizapp.builder.text import paragraph_spans

SUFFIXES = (".md", ".txt")
MAX_FILE_BYTES = 400_000  # as the app takes an upload: 100,000 characters of up to 4 bytes
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
# "By Ana Ruiz", "By Ana Ruiz and Li Wei", "By Ana Ruiz, Staff Writer", "By Ana Ruiz | The Post"
BYLINE = re.compile(
    r"^By\s+([A-Z][\w.’'-]+(?:\s+(?:[A-Z][\w.’'-]+|and|de|van|von))*)"
    r"(?:\s*[,|–—-]\s*[A-Z][\w.&’'-]*(?:\s+(?:[A-Z][\w.&’'-]*|and|of|the|to|for|at))*)?\s*$"
)
DATELINE_OUTLET = re.compile(r"^[A-Z][A-Z .,'-]+\(([A-Z][\w.& ]{1,30})\)\s*[-—–]\s")
_MONTH = "|".join(MONTHS)
# "March 4, 2025" or, in British and European style, "4 March 2025"
DATE_LINE = re.compile(
    r"^(?:(?:Published|Updated|Posted)[: ]\s*)?(?:\w+day,?\s+)?"
    rf"(?:(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),?|(?P<day_first>\d{{1,2}})\s+(?P<month_b>{_MONTH}))"
    r"\s+(?P<year>(?:19|20)\d\d)\b.{0,40}$"
)
SOURCE_LINE = re.compile(r"^(?:Source|Outlet|Publication):\s*(.+)$", re.IGNORECASE)


@dataclass
class Article:
    file: str  # the file name, e.g. "report.md"
    slug: str
    title: str
    body: str
    outlet: str = ""
    published: str = ""
    author: str = ""
    url: str = ""
    based_on: str = ""
    notes: str = ""
    bank_format: bool = False


class ArticleError(ValueError):
    """An article that cannot be read; the message says why."""


@dataclass(frozen=True)
class Skipped:
    """A file of a folder that was not read, and why."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


def read_folder(folder: Path) -> tuple[list[Article], list[Skipped]]:
    """Every .md and .txt article in the folder, sorted by file name, and the files that could
    not be read, each with its reason; one bad file never stops the others."""
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in SUFFIXES)
    articles, skipped = [], []
    for path in paths:
        if not path.is_file():
            continue
        try:
            articles.append(read_article(path))
        except ArticleError as exc:
            skipped.append(Skipped(path.name, str(exc)))
    return articles, skipped


def read_article(path: Path) -> Article:
    """One article; front matter is used when present, otherwise the text is read as plain."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ArticleError(f"larger than {MAX_FILE_BYTES // 1000} KB")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise ArticleError("not a text file (it has NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return parse_article(path.name, text)


def one_line_break(text: str) -> str:
    """The text with every line break as "\n": a browser sends a textarea's as "\r\n" but
    counts them as one character for its maxlength, so lengths are counted after this."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_article(file: str, text: str) -> Article:
    """An article from its text: the bank's format when it has front matter, else plain text.

    Raises ArticleError when the front matter cannot be read."""
    path = Path(file)
    text = one_line_break(text)
    parts = split_front_matter(text)
    if parts:
        head, body = parts
        try:
            meta = (
                load_yaml(
                    head, what="the front matter", max_chars=MAX_FRONT_MATTER_CHARS, first_line=2
                )
                or {}
            )
        except YamlRefused as exc:
            raise ArticleError(str(exc)) from None
        if isinstance(meta, dict):
            value = {k: "" if v is None else str(v).strip() for k, v in meta.items()}
            return Article(
                file=path.name,
                slug=path.stem,
                title=value.get("title", ""),
                body=body.strip(),
                outlet=value.get("outlet", ""),
                published=value.get("published", ""),
                author=value.get("author", ""),
                url=value.get("url", ""),
                based_on=value.get("based_on", ""),
                notes=value.get("notes", ""),
                bank_format=True,
            )
    return plain_article(path.name, text)


def plain_article(file: str, text: str) -> Article:
    """A plain-text article: title, byline, date and outlet only where the text states them."""
    article = Article(file=file, slug=slugify(Path(file).stem), title="", body=text.strip())
    found: list[str] = []
    while True:
        paragraphs = paragraph_spans(article.body)
        if len(paragraphs) < 2:
            break
        lines = paragraphs[0].text.split("\n")
        if len(lines) > 1 and not all(_header_kind(line) for line in lines[1:]):
            break  # a paragraph of text, not a headline, byline and date on consecutive lines
        kind = _header_kind(lines[0])
        if kind == "author":
            article.author = BYLINE.match(lines[0]).group(1)
            found.append("author from the byline")
        elif kind == "date":
            m = DATE_LINE.match(lines[0])
            month = MONTHS.index(m.group("month") or m.group("month_b")) + 1
            day = int(m.group("day") or m.group("day_first"))
            article.published = f"{m.group('year')}-{month:02d}-{day:02d}"
            found.append("date from the date line")
        elif kind == "outlet":
            article.outlet = SOURCE_LINE.match(lines[0]).group(1).strip()
            found.append("outlet from the source line")
        elif not article.title and _looks_like_title(lines[0]):
            article.title = lines[0].strip()
            found.append("title from the first line")
        else:
            break
        rest = (
            article.body.split("\n", 1)[1]
            if len(lines) > 1
            else article.body[paragraphs[1].start :]
        )
        article.body = rest.strip()
    lead = paragraph_spans(article.body)[0].text if article.body else ""
    dateline = DATELINE_OUTLET.match(lead)
    if dateline and not article.outlet:
        article.outlet = dateline.group(1).strip()
        found.append("outlet from the dateline")
    article.notes = (
        "Plain text: " + ", ".join(found) + "."
        if found
        else "Plain text with no title, outlet or date stated, so they are left empty."
    )
    return article


def _header_kind(line: str) -> str:
    """Which header line this is: "author", "date", "outlet", or "" for none of them."""
    if BYLINE.match(line):
        return "author"
    if DATE_LINE.match(line):
        return "date"
    return "outlet" if SOURCE_LINE.match(line) else ""


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 20 and not line.rstrip().endswith((".", ",", ":", ";", "”", '"'))


def slugify(text: str) -> str:
    """A bank slug: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "article"


def bank_text(article: Article) -> str:
    """The article in the bank's format: front matter, then the body."""
    meta = {
        "title": article.title or f"{Path(article.file).stem} (no headline given)",
        "outlet": article.outlet,
        "author": article.author,
        "published": article.published,
        "url": article.url,
    }
    if article.based_on:
        meta["based_on"] = article.based_on
    meta["notes"] = article.notes or f"Written by the question builder from {article.file}."
    head = dump_yaml(meta, width=1000)
    return f"---\n{head}---\n{article.body}\n"


def write_bank_article(article: Article, folder: Path) -> bool:
    """Write the article as folder/<slug>.md; False when an identical body is already there."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{article.slug}.md"
    if path.exists():
        existing = read_article(path)
        if existing.body == article.body:
            return False
        raise FileExistsError(f"{path} exists with a different body; choose another folder")
    path.write_text(bank_text(article), encoding="utf-8")
    return True

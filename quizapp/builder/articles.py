"""Reading a folder of articles: the bank's format (front matter + body) or plain text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizapp.builder.text import paragraph_spans

SUFFIXES = (".md", ".txt")
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


def read_folder(folder: Path) -> list[Article]:
    """Every .md and .txt article in the folder, sorted by file name."""
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in SUFFIXES)
    return [read_article(p) for p in paths if p.is_file()]


def read_article(path: Path) -> Article:
    """One article; front matter is used when present, otherwise the text is read as plain."""
    return parse_article(path.name, path.read_text(encoding="utf-8-sig"))


def parse_article(file: str, text: str) -> Article:
    """An article from its text: the bank's format when it has front matter, else plain text."""
    path = Path(file)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("---\n") and "\n---\n" in text[3:]:
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head) or {}
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
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
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

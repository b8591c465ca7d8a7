"""Read and validate the question bank on disk: articles (front matter + body) and sets (YAML).

Nothing here touches the database, so the rules can be tested and reported on their own.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizapp import question_types
from quizapp.builder.articles import MAX_FILE_BYTES as MAX_ARTICLE_BYTES
from quizapp.builder.safe_yaml import (
    MAX_FRONT_MATTER_CHARS,
    YamlRefused,
    load_yaml,
    split_front_matter,
)
from quizapp.question_types import ground

KINDS = ("attribution", "figures", "corroboration", "sources")
# Questions a teacher imports (Moodle XML, GIFT) have no article, skills or kind of ours.
IMPORTED_KIND = "other"
DIFFICULTIES = ("easy", "medium", "hard")
ROLES = ("practice", "check-in", "check-out")
SKILL_RULE = re.compile(r"^[a-z]+(-[a-z]+)*$")
ARTICLE_FIELDS = ("title", "outlet", "author", "published", "url", "based_on", "notes")
SET_FIELDS = ("slug", "title", "description", "objective", "minutes", "questions")
CAPTION_PREFIX = "[Caption] "
MAX_SET_BYTES = 2_000_000  # the largest set in the bank is under 60 KB


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    question: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: question {self.question}" if self.question else self.file
        return f"{where}: {self.message}"


@dataclass
class ArticleFile:
    slug: str
    file: str
    meta: dict[str, str]
    body: str


@dataclass
class QuestionData:
    key: str
    kind: str
    type: str
    content: dict[str, Any]

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(
            {"kind": self.kind, "type": self.type, "content": self.content},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class SetFile:
    slug: str
    file: str
    title: str
    description: str
    objective: str
    minutes: int
    role: str = "practice"
    questions: list[QuestionData] = field(default_factory=list)


@dataclass
class Bank:
    articles: list[ArticleFile]
    sets: list[SetFile]
    problems: list[Problem]


def read_bank(root: Path) -> Bank:
    """Read every article and set under root; files with problems are reported, not returned."""
    problems: list[Problem] = []
    articles = [
        a for a in (_read_article(p, problems) for p in _files(root / "articles", "*.md")) if a
    ]
    by_slug = {a.slug: a for a in articles}
    sets: list[SetFile] = []
    seen_keys: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    for path in _files(root / "sets", "*.y*ml"):
        file_problems: list[Problem] = []
        set_file = _read_set(path, by_slug, file_problems)
        if set_file:
            if set_file.slug in seen_slugs:
                file_problems.append(
                    Problem(
                        path.name,
                        f"slug {set_file.slug!r} is already used by {seen_slugs[set_file.slug]}",
                    )
                )
            for q in set_file.questions:
                if q.key in seen_keys:
                    file_problems.append(
                        Problem(path.name, f"duplicate id, also in {seen_keys[q.key]}", q.key)
                    )
        problems.extend(file_problems)
        if set_file and not file_problems:
            sets.append(set_file)
            seen_slugs[set_file.slug] = path.name
            seen_keys.update({q.key: path.name for q in set_file.questions})
    return Bank(articles, sets, problems)


def read_imported_set(data: dict[str, Any], name: str) -> tuple[SetFile | None, list[Problem]]:
    """Validate a set parsed from another format: as the bank, but no evidence is required."""
    problems: list[Problem] = []
    raw_questions = data.get("questions") or []
    if not raw_questions:
        problems.append(Problem(name, "no question could be imported"))
        return None, problems
    set_file = SetFile(
        str(data["slug"]),
        name,
        str(data["title"]),
        str(data.get("description") or ""),
        str(data.get("objective") or ""),
        int(data.get("minutes") or max(1, len(raw_questions))),
    )
    for index, raw in enumerate(raw_questions, start=1):
        question = _read_question(raw, index, name, {}, problems, imported=True)
        if question is not None:
            set_file.questions.append(question)
    return (None if problems else set_file), problems


def read_question(
    raw: dict[str, Any], articles: dict[str, ArticleFile]
) -> tuple[QuestionData | None, list[str]]:
    """Validate one question in the bank's format; the problems are messages for its author."""
    problems: list[Problem] = []
    question = _read_question(raw, 1, "", articles, problems)
    return question, [p.message for p in problems]


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _read_text(path: Path, max_bytes: int, problems: list[Problem]) -> str | None:
    """The file's UTF-8 text, its size checked before it is read; None with a problem if not."""
    try:
        if path.stat().st_size > max_bytes:
            problems.append(Problem(path.name, f"larger than {max_bytes // 1000} KB"))
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path.name, f"not UTF-8 text (byte {exc.start})"))
    except OSError as exc:
        problems.append(Problem(path.name, f"cannot be read ({exc.strerror or exc})"))
    return None


def _read_article(path: Path, problems: list[Problem]) -> ArticleFile | None:
    text = _read_text(path, MAX_ARTICLE_BYTES, problems)
    if text is None:
        return None
    parts = split_front_matter(text.replace("\r\n", "\n"))
    if parts is None:
        problems.append(Problem(path.name, "missing front matter between '---' lines"))
        return None
    head, body = parts
    try:
        meta = (
            load_yaml(head, what="the front matter", max_chars=MAX_FRONT_MATTER_CHARS, first_line=2)
            or {}
        )
    except YamlRefused as exc:
        problems.append(Problem(path.name, str(exc)))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(path.name, "front matter must be a mapping"))
        return None
    ok = True
    if not str(meta.get("title") or "").strip():
        problems.append(Problem(path.name, "missing field: title"))
        ok = False
    unknown = set(meta) - set(ARTICLE_FIELDS)
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        problems.append(Problem(path.name, f"unknown fields: {names}"))
        ok = False
    if not body.strip():
        problems.append(Problem(path.name, "the article has no body"))
        ok = False
    if not ok:
        return None
    clean = {k: "" if meta.get(k) is None else str(meta[k]).strip() for k in ARTICLE_FIELDS}
    return ArticleFile(path.stem, path.name, clean, body.strip())


def _read_set(
    path: Path, articles: dict[str, ArticleFile], problems: list[Problem]
) -> SetFile | None:
    text = _read_text(path, MAX_SET_BYTES, problems)
    if text is None:
        return None
    try:
        data = load_yaml(text, what="the set file", max_chars=MAX_SET_BYTES)
    except YamlRefused as exc:
        problems.append(Problem(path.name, str(exc)))
        return None
    return read_set_data(data, path.name, articles, problems)


def read_set_data(
    data: Any, name: str, articles: dict[str, ArticleFile], problems: list[Problem]
) -> SetFile | None:
    """Validate a set given as data (the parsed YAML) against the articles it may cite."""
    if not isinstance(data, dict):
        problems.append(Problem(name, "a set file must be a mapping"))
        return None
    missing = [f for f in SET_FIELDS if data.get(f) in (None, "")]
    if missing:
        problems.append(Problem(name, f"missing field: {', '.join(missing)}"))
        return None
    if not isinstance(data["minutes"], int) or data["minutes"] < 1:
        problems.append(Problem(name, "minutes must be a whole number of minutes"))
    if not isinstance(data["questions"], list) or not data["questions"]:
        problems.append(Problem(name, "questions must be a non-empty list"))
        return None
    role = str(data.get("role") or "practice")
    if role not in ROLES:
        problems.append(Problem(name, f"role must be one of {', '.join(ROLES)}, not {role!r}"))
    set_file = SetFile(
        str(data["slug"]),
        name,
        str(data["title"]),
        str(data["description"]),
        str(data["objective"]),
        data["minutes"],
        role=role,
    )
    keys: set[str] = set()
    for index, raw in enumerate(data["questions"], start=1):
        question = _read_question(raw, index, name, articles, problems)
        if question is None:
            continue
        if question.key in keys:
            problems.append(Problem(name, "duplicate id in this file", question.key))
        keys.add(question.key)
        set_file.questions.append(question)
    return set_file


def _read_question(
    raw: Any,
    index: int,
    file: str,
    articles: dict[str, ArticleFile],
    problems: list[Problem],
    *,
    imported: bool = False,
) -> QuestionData | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"question #{index} must be a mapping"))
        return None
    key = str(raw.get("id") or f"#{index}")
    found: list[str] = []
    problem = found.append

    required = ("id", "kind", "type", "skills", "difficulty", "prompt", "explanation", "evidence")
    if imported:
        required = ("id", "type", "prompt")
    for name in required:
        if raw.get(name) in (None, "", []):
            problem(f"missing field: {name}")
    kind, qtype = raw.get("kind"), raw.get("type")
    if imported:
        kind = kind or IMPORTED_KIND
    elif kind and kind not in KINDS:
        problem(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    # A teacher's import has no articles, so no type built on an article's passage.
    types = {
        name: t for name, t in question_types.TYPES.items() if not (imported and t.from_article)
    }
    question_type = types.get(qtype) if isinstance(qtype, str) else None
    if qtype and question_type is None:
        problem(f"type must be one of {', '.join(types)}, not {qtype!r}")
    if raw.get("difficulty") and raw["difficulty"] not in DIFFICULTIES:
        problem(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    skills = raw.get("skills") or []
    if not isinstance(skills, list) or not all(
        isinstance(s, str) and SKILL_RULE.match(s) for s in skills
    ):
        problem("skills must be a list of lower-case-kebab tags")
        skills = []

    content: dict[str, Any] = {
        "prompt": str(raw.get("prompt", "")).strip(),
        "explanation": str(raw.get("explanation", "")).strip(),
        "skills": [str(s) for s in skills],
        "difficulty": str(raw.get("difficulty", "")),
    }
    content["evidence"] = _read_evidence(raw, articles, problem)
    bodies = {slug: article.body for slug, article in articles.items()}
    if question_type is not None:
        question_type.read(raw, content, bodies, problem)
    if raw.get("ground") is not None:
        if question_type is not None and not question_type.takes_ground:
            problem(f"{_a(qtype)} {qtype} question cannot have a ground step")
        else:
            step = ground.read(raw["ground"], content["evidence"], bodies, problem)
            if step:
                content["ground"] = step
    if raw.get("quote") is not None:
        quote = str(raw["quote"])
        sources = {e["article"] for e in content["evidence"]}
        if not any(quote in articles[a].body for a in sources if a in articles):
            problem(f"quote not found verbatim in the evidence articles: {quote[:60]!r}")
        content["quote"] = quote

    problems.extend(Problem(file, message, key) for message in found)
    if found:
        return None
    return QuestionData(key, kind, qtype, content)


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _read_evidence(raw: dict, articles: dict[str, ArticleFile], problem) -> list[dict]:
    evidence: list[dict] = []
    items = raw.get("evidence") or []
    if not isinstance(items, list):
        problem("evidence must be a list of items with an article and a quote")
        return evidence
    for item in items:
        if not isinstance(item, dict) or not item.get("article") or not item.get("quote"):
            problem("each evidence item needs an article and a quote")
            continue
        article = articles.get(str(item["article"]))
        quote = str(item["quote"])
        if article is None:
            problem(f"evidence names an unknown article: {item['article']!r}")
        elif quote not in article.body:
            problem(f"evidence quote not found verbatim in {item['article']}: {quote[:60]!r}")
        evidence.append({"article": str(item["article"]), "quote": quote})
    return evidence

"""The question builder in the app: a teacher's articles, the extraction job, corrections,
draft questions and publishing them as a set of the teacher's own."""

from __future__ import annotations

import copy
import logging
import re
import secrets
from collections import Counter
from datetime import timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from quizapp import builder
from quizapp.extensions import db
from quizapp.models import Article, Draft, DraftStatus, QuestionSet, User, utcnow
from quizapp.refusals import Refusal
from quizapp.services.interop import slug_for
from quizapp.services.question_bank import sync_set
from quizapp.services.question_files import (
    ArticleFile,
    Problem,
    read_question,
    read_set_data,
)
from quizapp.transactions import commit, end_reads

log = logging.getLogger(__name__)

MAX_ARTICLES = 30
MAX_ARTICLE_CHARS = 100_000
MAX_FILE_BYTES = 4 * MAX_ARTICLE_CHARS  # UTF-8 takes at most four bytes a character
MIN_ARTICLE_WORDS = 20
# A job that has not moved on for this long was lost (its worker stopped): it may be restarted.
STUCK_AFTER = timedelta(minutes=15)
MAX_CONFLICTS = 100  # differing figures kept and listed for each article
SKILLS = {
    "attribution": ["quote-to-speaker"],
    "figures": ["figure-meaning"],
    "corroboration": ["corroboration"],
    "sources": ["source-type"],
}


class DraftError(Refusal, ValueError):
    """Something the teacher gave that cannot be used; the message says why."""


def drafts_of(teacher: User) -> list[Draft]:
    """The teacher's drafts, newest first."""
    return list(
        db.session.scalars(
            sa.select(Draft).where(Draft.owner_id == teacher.id).order_by(Draft.created_at.desc())
        )
    )


def article_of(draft: Draft, article_id: int) -> Article | None:
    return db.session.scalar(
        sa.select(Article).where(Article.id == article_id, Article.draft_id == draft.id)
    )


def draft_of_set(qset: QuestionSet, teacher: User) -> Draft | None:
    """The teacher's draft a set was published from, to edit it again."""
    return db.session.scalar(
        sa.select(Draft).where(Draft.set_id == qset.id, Draft.owner_id == teacher.id)
    )


def create_draft(owner_id: int, title: str) -> Draft:
    draft = Draft(owner_id=owner_id, title=title.strip(), slug=slug_for(title))
    db.session.add(draft)
    db.session.flush()
    return draft


def decode_upload(name: str, data: bytes) -> str:
    """The text of an uploaded file, or a DraftError saying what is wrong with it."""
    if len(data) > MAX_FILE_BYTES:
        raise DraftError(f"{name} is larger than {MAX_FILE_BYTES // 1000} KB.")
    if b"\x00" in data:
        raise DraftError(f"{name} is not a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftError(
            f"{name} is not UTF-8 text. Save it as UTF-8 (“Plain text, UTF-8” in most "
            "editors) and upload it again."
        ) from None


def add_article(
    draft: Draft,
    text: str,
    *,
    file_name: str,
    title: str = "",
    outlet: str = "",
    published: str = "",
) -> Article:
    """Add an article to the draft; uploaded files may state their title, outlet and date."""
    _not_working(draft)
    if len(draft.articles) >= MAX_ARTICLES:
        raise DraftError(f"A draft holds at most {MAX_ARTICLES} articles.")
    if "\x00" in text:
        raise DraftError(f"{file_name} is not a text file.")
    try:
        parsed = builder.parse_article(file_name, text)
    except builder.ArticleError as exc:
        raise DraftError(f"{file_name}: {exc}.") from None
    # Counted as the paste box counts (a line break is one character), before blank lines
    # are put between paragraphs: text the box took is never refused here.
    if len(parsed.body.strip()) > MAX_ARTICLE_CHARS:
        raise DraftError(
            f"{file_name} is longer than {MAX_ARTICLE_CHARS:,} characters: split it or shorten it."
        )
    body = _paragraphed(parsed.body)
    if len(body.split()) < MIN_ARTICLE_WORDS:
        raise DraftError(f"{file_name} has fewer than {MIN_ARTICLE_WORDS} words of text.")
    article = Article(
        slug=_article_slug(draft),
        title=(title or parsed.title or file_name)[:300],
        outlet=(outlet or parsed.outlet)[:200],
        author=parsed.author[:200],
        published=(published or parsed.published)[:32],
        url=parsed.url[:500],
        notes=parsed.notes,
        body=body,
        owner_id=draft.owner_id,
    )
    draft.articles.append(article)
    _articles_changed(draft)
    db.session.flush()
    return article


def remove_article(draft: Draft, article: Article) -> None:
    _not_working(draft)
    if draft.set_id is not None:
        raise DraftError(
            "This draft is published: its articles are the evidence students read, so they stay."
        )
    draft.articles.remove(article)
    db.session.delete(article)
    _articles_changed(draft)
    draft.questions = [
        q
        for q in draft.questions or []
        if all(e["article"] != article.slug for e in q.get("evidence") or [])
    ] or None
    db.session.flush()


def delete_draft(draft: Draft) -> None:
    """Delete a draft and its articles; a published set keeps its own (students read them)."""
    _not_working(draft)
    for article in list(draft.articles):
        if draft.set_id is None:
            db.session.delete(article)
        else:
            article.draft_id = None
    db.session.delete(draft)
    db.session.flush()


def _not_working(draft: Draft) -> None:
    if draft.working and not can_start(draft):
        raise DraftError("Wait until the builder has finished reading these articles.")


def _articles_changed(draft: Draft) -> None:
    """What was found no longer matches the articles: it must be found again."""
    draft.extraction = None
    draft.status = DraftStatus.COLLECTING
    draft.steps_done = draft.steps_total = 0
    draft.updated_at = utcnow()


def _paragraphed(body: str) -> str:
    """Paragraphs separated by blank lines, as the bank keeps them; pasted text often has none."""
    body = body.strip()
    if "\n\n" not in body:
        body = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    return re.sub(r"\n{3,}", "\n\n", body)


def _article_slug(draft: Draft) -> str:
    while True:
        slug = f"{draft.slug}-{secrets.token_hex(2)}"
        if not db.session.scalar(sa.select(Article.id).where(Article.slug == slug)):
            return slug


def can_start(draft: Draft) -> bool:
    """Whether finding can start: articles are there and no live job is working on them."""
    if len(draft.articles) < 1:
        return False
    if not draft.working:
        return True
    return _stuck(draft)


def _stuck(draft: Draft) -> bool:
    return draft.updated_at < utcnow() - STUCK_AFTER


class Step(NamedTuple):
    """One step of a draft's finding, as queued: the next article, or the last step."""

    owner_id: int
    draft_id: int
    chain: str  # when this run of the draft started: a step of an earlier run is dropped
    found: list[dict[str, Any]]  # what the articles before the next one hold


def start_extraction(draft: Draft) -> Step | None:
    """Mark the draft for finding; the caller commits, then queues the step returned. None when
    another of the teacher's drafts is being read: this one then follows it."""
    if not draft.articles:
        raise DraftError("Add at least one article first.")
    if not can_start(draft):
        raise DraftError("The builder is already working on these articles.")
    draft.status = DraftStatus.QUEUED
    draft.steps_done = 0
    draft.steps_total = len(draft.articles) + 1
    draft.error = ""
    draft.started_at = None
    draft.updated_at = utcnow()
    return _next_turn(draft.owner_id)


def _next_turn(owner_id: int) -> Step | None:
    """The first step of the teacher's oldest waiting draft, unless one of theirs is running."""
    theirs = db.session.scalars(
        sa.select(Draft)
        .where(Draft.owner_id == owner_id, Draft.status.in_(DraftStatus.WORKING))
        .order_by(Draft.updated_at, Draft.id)
    ).all()
    if any(d.status == DraftStatus.RUNNING and not _stuck(d) for d in theirs):
        return None
    waiting = next((d for d in theirs if d.status == DraftStatus.QUEUED), None)
    if waiting is None:
        return None
    waiting.status = DraftStatus.RUNNING
    waiting.started_at = waiting.updated_at = utcnow()
    db.session.flush()
    return Step(owner_id, waiting.id, waiting.started_at.isoformat(), [])


def run_step(step: Step) -> Step | None:
    """The job: read one more article, or at the last step find what the articles share; returns
    the teacher's next step to queue, None when they have nothing more to find.

    The reading holds no transaction (the last step of a large draft takes minutes): the draft
    is read, then its progress written, in short ones.
    """
    draft = db.session.get(Draft, step.draft_id)
    if draft is None or not _is_run(draft, step):  # deleted, changed or started again
        following = _next_turn(step.owner_id)
        commit()
        return following
    articles = builder_articles(draft)
    end_reads()
    found, extraction, error = step.found, None, None
    try:
        if len(found) < len(articles):
            found = [*found, builder.extract_article(articles[len(found)])]
        else:
            extraction = builder.extract_shared(articles, found)
    except Exception as exc:
        log.exception("question builder failed on draft %s", step.draft_id)
        error = f"The builder stopped on an error ({type(exc).__name__})."
    following = None
    draft = db.session.get(Draft, step.draft_id)
    if draft is not None and _is_run(draft, step):
        draft.updated_at = utcnow()
        if error:
            draft.status, draft.error = DraftStatus.FAILED, error
        elif extraction is None:
            draft.steps_done = len(found)
            following = step._replace(found=found)  # to the back of the queue: teachers alternate
        else:
            corrected = _with_corrections(_bounded(extraction), draft.corrections or {})
            draft.status, draft.extraction = DraftStatus.READY, corrected
            draft.steps_done = draft.steps_total
    following = following or _next_turn(step.owner_id)
    commit()
    return following


def _is_run(draft: Draft, step: Step) -> bool:
    started = draft.started_at.isoformat() if draft.started_at else ""
    return draft.status == DraftStatus.RUNNING and started == step.chain


def _bounded(extraction: dict[str, Any]) -> dict[str, Any]:
    """At most MAX_CONFLICTS of the figures that differ, for each article (all the review
    lists): long articles on one story can differ in hundreds of thousands of pairs."""
    kept, counts = [], Counter()
    for conflict in extraction["conflicts"]:
        articles = {f["article"] for f in conflict["figures"]}
        if any(counts[a] < MAX_CONFLICTS for a in articles):
            kept.append(conflict)
            counts.update(articles)
    return {**extraction, "conflicts": kept}


def builder_articles(draft: Draft) -> list[builder.Article]:
    """The draft's articles as the builder reads them, named by their slugs."""
    return [
        builder.Article(
            file=a.slug,
            slug=a.slug,
            title=a.title,
            body=a.body,
            outlet=a.outlet,
            published=a.published,
        )
        for a in draft.articles
    ]


def correct_quotes(draft: Draft, corrections: list[tuple[str, bool]]) -> int:
    """Set each quote's speaker, or drop it when it is not a quote; returns how many changed."""
    changes = {}
    for quote, (speaker, keep) in zip(draft.extraction["quotes"], corrections, strict=True):
        if not keep or speaker.strip() != (quote["speaker"] or ""):
            changes[_found_key(quote)] = {"speaker": speaker.strip() or None, "keep": keep}
    return _correct(draft, "quotes", changes)


def correct_figures(draft: Draft, corrections: list[tuple[str, bool]]) -> int:
    """Set what each figure measures, or drop it when it is not a figure; returns changes."""
    changes = {}
    for figure, (measures, keep) in zip(draft.extraction["figures"], corrections, strict=True):
        if not keep or measures.strip() != (figure["measures"] or ""):
            changes[_found_key(figure)] = {"measures": measures.strip(), "keep": keep}
    return _correct(draft, "figures", changes)


def _correct(draft: Draft, part: str, changes: dict[str, dict[str, Any]]) -> int:
    """Record the corrections (kept for the next finding) and apply them to what was found."""
    corrections = copy.deepcopy(draft.corrections or {})
    corrections.setdefault(part, {}).update(changes)
    draft.corrections = corrections
    draft.extraction = _with_corrections(draft.extraction, {part: changes})
    draft.updated_at = utcnow()
    return len(changes)


AS_FOUND = "found"  # the teacher takes back their word on an article's reporting line


def set_line(draft: Draft, slug: str, line: str) -> None:
    """The teacher's word on an article's reporting line: AS_FOUND, its own (OWN_LINE), or the
    slug of the article whose line it belongs to. Claims are judged again by it."""
    corrections = copy.deepcopy(draft.corrections or {})
    lines = corrections.setdefault("lines", {})
    if line == AS_FOUND:
        lines.pop(slug, None)
    else:
        lines[slug] = line
    draft.corrections = corrections
    draft.extraction = builder.rejudge(draft.extraction, lines)
    draft.updated_at = utcnow()


def _found_key(item: dict[str, Any]) -> str:
    """A found quote or figure by where it is: its article, offset and words (an article's text
    never changes once added, so the same words at the same place are the same find)."""
    return f"{item['article']}:{item['start']}:{item['text']}"


def _with_corrections(
    extraction: dict[str, Any], corrections: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """What was found with the teacher's corrections applied; corrections of finds that are no
    longer found (their article was removed) are left out."""
    extraction = copy.deepcopy(extraction)
    quotes, figures, dropped = [], [], set()
    for quote in extraction["quotes"]:
        change = corrections.get("quotes", {}).get(_found_key(quote))
        if change and not change["keep"]:
            continue
        if change:
            quote["speaker"] = change["speaker"]
            quote["inferred"] = False  # the teacher has read the article
        quotes.append(quote)
    for figure in extraction["figures"]:
        change = corrections.get("figures", {}).get(_found_key(figure))
        if change and not change["keep"]:
            dropped.add((figure["article"], figure["text"]))
            continue
        if change:
            figure["measures"] = change["measures"]
            figure["checked"] = True  # the teacher's words, fit to show students
        figures.append(figure)
    extraction["quotes"], extraction["figures"] = quotes, figures
    if corrections.get("lines"):
        extraction = builder.rejudge(extraction, corrections["lines"])
    extraction["conflicts"] = [
        c
        for c in extraction["conflicts"]
        if not any((f["article"], f["text"]) in dropped for f in c["figures"])
    ]
    return extraction


def generate_questions(draft: Draft) -> int:
    """Draft questions from what was found (and corrected); replaces earlier draft questions."""
    if draft.extraction is None:
        raise DraftError("Find the quotes, figures and claims first.")
    drafted = builder.draft_set(builder_articles(draft), draft.extraction, draft.slug)
    draft.questions = drafted["questions"]
    draft.updated_at = utcnow()
    return len(draft.questions)


def article_files(draft: Draft) -> dict[str, ArticleFile]:
    return {
        a.slug: ArticleFile(a.slug, a.slug, {"title": a.title, "outlet": a.outlet}, a.body)
        for a in draft.articles
    }


def save_question(draft: Draft, raw: dict[str, Any], key: str | None = None) -> list[str]:
    """Replace question key, or add raw as a new question; returns problems, changing nothing."""
    questions = list(draft.questions or [])
    if key is None:
        numbers = [int(q["id"].rsplit("-", 1)[1]) for q in questions]
        key = f"{draft.slug}-{max(numbers, default=0) + 1:03d}"
    raw = {"id": key, **{k: v for k, v in raw.items() if k not in ("id", "ground")}}
    if raw.get("evidence"):
        # Its "which sentence shows it?" passage follows the evidence as edited.
        raw = builder.with_ground(raw, {a.slug: a for a in builder_articles(draft)})
    _, problems = read_question(raw, article_files(draft))
    if problems:
        return problems
    index = next((i for i, q in enumerate(questions) if q["id"] == key), None)
    if index is None:
        questions.append(raw)
    else:
        questions[index] = raw
    draft.questions = questions
    draft.updated_at = utcnow()
    return []


def delete_question(draft: Draft, key: str) -> None:
    draft.questions = [q for q in draft.questions or [] if q["id"] != key] or None
    draft.updated_at = utcnow()


def find_question(draft: Draft, key: str) -> dict[str, Any] | None:
    return next((q for q in draft.questions or [] if q["id"] == key), None)


def publish(draft: Draft) -> list[str]:
    """Create or update the teacher's set from the draft questions; problems change nothing."""
    if not draft.questions:
        return ["the draft has no questions"]
    names = ", ".join(draft.article_labels.values())
    data = {
        "slug": draft.slug,
        "title": draft.title,
        "description": f"Built from {len(draft.articles)} articles: {names}.",
        "objective": (
            "Students can tell who said a quote, what a figure counts, and whether a claim is "
            "confirmed by independent sources."
        ),
        "minutes": max(5, len(draft.questions)),
        "questions": draft.questions,
    }
    problems: list[Problem] = []
    set_file = read_set_data(data, draft.title, article_files(draft), problems)
    if set_file is None or problems:
        return [f"{p.question}: {p.message}" if p.question else p.message for p in problems]
    sync_set(set_file, owner_id=draft.owner_id)
    published = sa.select(QuestionSet.id).where(QuestionSet.slug == draft.slug)
    draft.set_id = db.session.scalar(published)
    draft.updated_at = utcnow()
    return []


def default_skills(kind: str) -> list[str]:
    return list(SKILLS.get(kind, []))

"""Forms of the question builder: articles, corrections and draft questions."""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from quizapp import question_types
from quizapp.builder import OWN_LINE
from quizapp.builder.articles import one_line_break
from quizapp.services.drafts import AS_FOUND, MAX_ARTICLE_CHARS, default_skills

LETTERS = "abcd"
KIND_CHOICES = [
    SelectChoice("attribution", "Who said what"),
    SelectChoice("figures", "Figures"),
    SelectChoice("corroboration", "Corroboration"),
    SelectChoice("sources", "Reading the sources"),
]
DIFFICULTY_CHOICES = [
    SelectChoice("easy", "Easy"),
    SelectChoice("medium", "Medium"),
    SelectChoice("hard", "Hard"),
]


class DraftForm(FlaskForm):
    title = StringField(
        "Title of the question set",
        validators=[DataRequired(), Length(max=200)],
        description="What students will see, e.g. “Three reports on the river flood”.",
    )
    submit = SubmitField("Start")


class PasteForm(FlaskForm):
    title = StringField("Headline", validators=[DataRequired(), Length(max=300)])
    outlet = StringField(
        "Outlet",
        validators=[Optional(), Length(max=200)],
        default="",  # a post without the field (not a browser's) reads as left blank
        description="e.g. The Guardian",
    )
    published = DateField("Date published", validators=[Optional()])
    text = TextAreaField(
        "Text of the article",
        # The browser's maxlength and this Length count a line break as one character.
        filters=[lambda text: one_line_break(text) if text else text],
        validators=[
            DataRequired(),
            Length(
                max=MAX_ARTICLE_CHARS,
                message=f"The text is longer than {MAX_ARTICLE_CHARS:,} characters: split it "
                "into two articles or shorten it.",
            ),
        ],
        description=f"Paste the article's text, at most {MAX_ARTICLE_CHARS:,} characters; keep "
        "a blank line between paragraphs.",
        render_kw={"rows": 12},
    )
    submit = SubmitField("Add the article")


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Article files",
        validators=[FileAllowed(["txt", "md"], "Choose .txt or .md files.")],
        description=(
            "Plain text (.txt) or the bank's format (.md), UTF-8. A first line that reads as "
            "a headline, a “By …” byline and a date line are used where the text has them."
        ),
    )
    submit = SubmitField("Upload")


class RowList(FieldList):
    """A FieldList that reads only row numbers written in ASCII digits: WTForms takes any
    Unicode digit ("rows-²-speaker") and then fails to turn it into a number."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                number = key[offset:].split(self._field_separator, 1)[0]
                if number.isascii() and number.isdigit():
                    yield int(number)


class QuoteRow(Form):
    speaker = StringField("Speaker", validators=[Length(max=200)])
    keep = BooleanField("A quote", default=True)


class FigureRow(Form):
    measures = StringField("What it measures", validators=[Length(max=200)])
    keep = BooleanField("A figure", default=True)


class CorrectionsForm(FlaskForm):
    def rows_match(self, count: int) -> bool:
        """The form sent one row for each of the count things found, no more and no fewer."""
        return len(self.rows) == count


class QuoteCorrectionsForm(CorrectionsForm):
    rows = RowList(FormField(QuoteRow))
    submit = SubmitField("Save the speakers")


class FigureCorrectionsForm(CorrectionsForm):
    rows = RowList(FormField(FigureRow))
    submit = SubmitField("Save the figures")


class LineForm(FlaskForm):
    """The teacher's word on the reporting line of the article shown in the review."""

    line = SelectField("Reporting line")
    submit = SubmitField("Save the line")

    def set_choices(self, slug: str, labels: dict[str, str]) -> None:
        self.line.choices = [
            SelectChoice(AS_FOUND, "As the builder found it"),
            SelectChoice(OWN_LINE, "Its own reporting"),
        ] + [
            SelectChoice(other, f"The same line as {label}")
            for other, label in labels.items()
            if other != slug
        ]


class EvidenceRow(Form):
    article = SelectField("Article", validate_choice=False)
    quote = TextAreaField(
        "Exact words from the article",
        validators=[Length(max=2000)],
        description="Copied exactly: students are shown this sentence as the proof.",
    )


class QuestionForm(FlaskForm):
    kind = SelectField("Habit it practises", choices=KIND_CHOICES)
    type = SelectField(
        "Type", choices=[SelectChoice(t.name, t.editor_label) for t in question_types.editable()]
    )
    difficulty = SelectField("Difficulty", choices=DIFFICULTY_CHOICES, default="medium")
    prompt = TextAreaField("Question", validators=[DataRequired(), Length(max=2000)])
    quote = TextAreaField(
        "Quoted words (who-said-what questions)",
        validators=[Optional(), Length(max=2000)],
        description="The words between the quotation marks, exactly as the article prints them.",
    )
    choice_a = StringField("Choice A", validators=[Length(max=300)])
    choice_b = StringField("Choice B", validators=[Length(max=300)])
    choice_c = StringField("Choice C", validators=[Length(max=300)])
    choice_d = StringField("Choice D", validators=[Length(max=300)])
    answer = SelectField(
        "Correct answer",
        choices=[SelectChoice(x, f"Choice {x.upper()}") for x in LETTERS]
        + [SelectChoice("true", "True"), SelectChoice("false", "False")],
    )
    explanation = TextAreaField(
        "Explanation shown after answering", validators=[DataRequired(), Length(max=3000)]
    )
    evidence = RowList(FormField(EvidenceRow), min_entries=3, max_entries=3)
    key = HiddenField()
    submit = SubmitField("Save the question")

    def set_articles(self, titles: dict[str, str]) -> None:
        for row in self.evidence:
            row.article.choices = [SelectChoice("", "—")] + [
                SelectChoice(slug, title) for slug, title in titles.items()
            ]

    def load(self, question: dict[str, Any]) -> None:
        """Fill the form from a draft question in the bank's format."""
        self.kind.data = question.get("kind")
        self.type.data = question.get("type")
        self.difficulty.data = question.get("difficulty") or "medium"
        self.prompt.data = question.get("prompt", "")
        self.quote.data = question.get("quote", "")
        self.explanation.data = question.get("explanation", "")
        for letter, choice in zip(LETTERS, question.get("choices") or [], strict=False):
            getattr(self, f"choice_{letter}").data = choice["text"]
        answer = question.get("answer")
        self.answer.data = str(answer).lower() if isinstance(answer, bool) else answer
        for row, item in zip(self.evidence, question.get("evidence") or [], strict=False):
            row.article.data, row.quote.data = item["article"], item["quote"]

    def question(self, previous: dict[str, Any] | None) -> dict[str, Any]:
        """The question in the bank's format; what the form does not edit is kept."""
        kind, qtype = self.kind.data, self.type.data
        skills = (previous or {}).get("skills") if (previous or {}).get("kind") == kind else None
        raw: dict[str, Any] = {
            "kind": kind,
            "type": qtype,
            "skills": skills or default_skills(kind),
            "difficulty": self.difficulty.data,
            "prompt": _text(self.prompt),
            "explanation": _text(self.explanation),
            "evidence": [
                {"article": row.article.data, "quote": _text(row.quote)}
                for row in self.evidence
                if row.article.data or _text(row.quote)
            ],
        }
        if _text(self.quote):
            raw["quote"] = _text(self.quote)
        choices = [
            {"id": letter, "text": _text(getattr(self, f"choice_{letter}"))}
            for letter in LETTERS
            if _text(getattr(self, f"choice_{letter}"))
        ]
        raw.update(question_types.get(qtype).from_editor(choices, self.answer.data))
        return raw


def _text(field) -> str:
    return (field.data or "").strip()

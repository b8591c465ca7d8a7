"""Drafted questions a teacher can trust: a fictional cluster (every place, person and outlet is
invented) laid with the traps drafts fell into, and every drafted key checked."""

from collections import Counter

from quizapp.builder import draft_set, extract_articles
from quizapp.builder.articles import parse_article
from quizapp.services.question_files import ArticleFile, read_question


def article(file: str, outlet: str, body: str):
    head = f'---\ntitle: "{file}"\noutlet: "{outlet}"\npublished: "2031-09-14"\n---\n'
    return parse_article(file, head + body.strip() + "\n")


GAZETTE = article(
    "gazette.md",
    "Orrin Valley Gazette",
    """
About 30,000 people marched through central Orrin on Saturday to demand cleaner water after
the Tamsin River was closed to swimmers for a third summer.

“We are done waiting for the county to act on the river,” Mayor Jane Doe told the crowd from
the steps of the town hall.

Rear Adm. Lucia Farrow, who led the cleanup of the Orrin harbour, said the work would take
years. “Nobody should think the river will be clean by next summer,” Farrow said.

“The pumping station was built for a town half this size,” said engineer Tomas K. Brandt.

The county has set aside $4 million for the pumping station, officials said.
""",
)
HERALD = article(
    "herald.md",
    "Brackwater Herald",
    """
Some 31,000 people marched through central Orrin on Saturday to demand cleaner water, as the
Tamsin River stayed closed to swimmers for a third summer.

“We are done waiting for the county to act on the river,” said Jane Doe, who has been mayor
since 2028.

“My children have never swum in the Tamsin in their lives,” said Ada Pell, a nurse who joined
the march with her family.

The county says it will spend $4 million on the pumping station next year.
""",
)
PRESS = article(
    "press.md",
    "Orrin Evening Press",
    """
Marchers filled Orrin's main square on Saturday, where the river protest ended with speeches.

“Every summer we tell the children to stay out of the water,” said Ilse Varga, a teacher at
Orrin Primary School. “They deserve better than that.”

“The council has asked the state for help with the cost of the work,” said county spokesman
Owen Tull.

Doe said the town would keep marching until the river reopened.
""",
)
ARTICLES = [GAZETTE, HERALD, PRESS]
BODIES = {a.slug: ArticleFile(a.slug, a.slug, {"title": a.title}, a.body) for a in ARTICLES}


def drafted() -> list[dict]:
    return draft_set(ARTICLES, extract_articles(ARTICLES), "march")["questions"]


def test_every_drafted_question_is_valid_with_its_evidence_passage():
    questions = drafted()
    assert {q["kind"] for q in questions} == {"attribution", "figures", "corroboration"}
    for question in questions:
        data, problems = read_question(question, BODIES)
        assert problems == [], question["id"]
        assert data.content["ground"]["answer"], f"{question['id']} has no sentence to select"


def test_one_person_is_one_choice_and_never_the_distractor_of_their_own_words():
    for question in (q for q in drafted() if q["kind"] == "attribution"):
        texts = [c["text"] for c in question["choices"]]
        surnames = Counter(t.split()[-1] for t in texts)
        assert surnames.most_common(1)[0][1] == 1, texts  # "Jane Doe" once, not twice
        key = next(c["text"] for c in question["choices"] if c["id"] == question["answer"])
        assert key.split()[-1] in question["evidence"][0]["quote"]


def test_the_same_words_quoted_by_two_articles_are_asked_once():
    prompts = [q["prompt"] for q in drafted() if q["kind"] == "attribution"]
    assert sum("We are done waiting for the county" in p for p in prompts) == 1


def test_an_abbreviated_title_is_not_a_speaker():
    choices = {c["text"] for q in drafted() if q["kind"] == "attribution" for c in q["choices"]}
    assert "Rear Adm" not in choices
    assert any(c.endswith("Lucia Farrow") for c in choices)


def test_the_distractors_vary_from_question_to_question():
    sets = [
        frozenset(c["text"] for c in q["choices"]) for q in drafted() if q["kind"] == "attribution"
    ]
    assert len(sets) >= 3 and len(set(sets)) > 1


def test_a_figure_question_does_not_give_its_answer_away():
    for question in (q for q in drafted() if q["kind"] == "figures"):
        key = next(c["text"] for c in question["choices"] if c["id"] == question["answer"])
        digits = "".join(ch for ch in key if ch.isdigit())
        assert digits not in "".join(ch for ch in question["prompt"] if ch.isdigit() or ch == " ")


def test_differing_figures_never_confirm_a_claim():
    extraction = extract_articles(ARTICLES)
    marched = [c for c in extraction["claims"] if "marched" in c["claim"]]
    assert marched and not marched[0]["independent"]
    assert "different figures (About 30,000 against Some 31,000)" in marched[0]["reason"]
    for question in (q for q in drafted() if q["kind"] == "corroboration"):
        quoted = " ".join(e["quote"] for e in question["evidence"])
        if "30,000" in quoted and "31,000" in quoted:
            assert question["answer"] is False


def test_a_key_resting_on_an_uncertain_reading_is_marked_for_the_teacher():
    checked = {q["kind"]: q["check"] for q in drafted() if q.get("check")}
    assert list(checked) == ["corroboration"]
    assert checked["corroboration"].startswith(
        "the key rests on this reading of the articles: The articles give different figures"
    )
    described = article(
        "clinic.md", "Harrow Post",
        "“We had no beds left for anyone by midnight,” a nurse at the clinic said.\n\n"
        "“The clinic will open a second ward next month,” said director Ines Calder.",
    )  # fmt: skip
    questions = draft_set([described], extract_articles([described]), "clinic")["questions"]
    notes = [q.get("check", "") for q in questions if q["kind"] == "attribution"]
    assert any(n.startswith("the speaker is a description (a nurse)") for n in notes)


def test_a_speaker_read_from_the_sentence_subject_is_marked_for_the_teacher():
    inquiry = article(
        "inquiry.md", "Harrow Post",
        "Councillor Mira Sandoval condemned “a decision taken behind closed doors by people "
        "who never use the bridge.”\n\n"
        "“The bridge will reopen to cyclists in the spring, and to cars in the summer,” said "
        "engineer Paolo Venn.",
    )  # fmt: skip
    found = extract_articles([inquiry])
    by_text = {q["text"][:12]: q for q in found["quotes"]}
    assert by_text["a decision t"]["speaker"] == "Mira Sandoval"
    assert by_text["a decision t"]["inferred"] is True
    assert by_text["The bridge w"]["inferred"] is False
    questions = draft_set([inquiry], found, "inquiry")["questions"]
    notes = {q["quote"][:12]: q.get("check", "") for q in questions if q["kind"] == "attribution"}
    assert notes["a decision t"].startswith("no verb of saying gives these words to anyone")
    assert notes["The bridge w"] == ""

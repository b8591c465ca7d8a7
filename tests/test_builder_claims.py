"""Shared claims, their independence, and conflicting figures, on articles written for the tests."""

from pathlib import Path

from quizapp.builder import extract
from quizapp.builder.articles import plain_article, read_folder
from quizapp.builder.claims import find_claims

WIRE = "\n\n".join(
    [
        "The port authority closed the northern terminal on Monday after cracks were "
        "found in the main pier.",
        "Engineers said repairs would take at least three months and cost more than $40 million.",
        "“We cannot risk a collapse with ships alongside,” said Ana Ruiz, the "
        "authority's director.",
    ]
)
LOCAL = "\n\n".join(
    [
        "The northern terminal of the port was shut on Monday when inspectors discovered "
        "cracks in its main pier.",
        "Repairs are expected to cost more than $55 million and last three months, the "
        "city's engineers said.",
        "Fishermen said they had moved their boats to the southern harbour.",
    ]
)
RELAY = "\n\n".join(
    [
        "According to The Harbor Times, the port authority closed the northern terminal "
        "on Monday because cracks were found in the main pier.",
        "Ana Ruiz, the director, told the Times: “We cannot risk a collapse with ships alongside.”",
    ]
)


def write(folder: Path, **articles: str) -> Path:
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_claim_worded_differently_is_matched_and_independent(tmp_path):
    found = extract(write(tmp_path, wire=WIRE, local=LOCAL))
    closing = [c for c in found["claims"] if "pier" in c["claim"]]
    assert len(closing) == 1
    assert closing[0]["articles"] == ["local.txt", "wire.txt"]
    assert closing[0]["independent"] is True
    for file, sentence in closing[0]["evidence"].items():
        assert sentence in (tmp_path / file).read_text(encoding="utf-8")


def test_a_claim_credited_to_another_outlet_is_not_independent(tmp_path):
    found = extract(write(tmp_path, wire=WIRE, relay=RELAY))
    closing = [c for c in found["claims"] if "pier" in c["claim"]]
    assert closing and closing[0]["independent"] is False


def test_unrelated_articles_share_no_claims():
    sport = plain_article("sport.txt", "The home side won 3-1 after a late goal from the captain.")
    port = plain_article("port.txt", WIRE)
    assert find_claims([sport, port]) == []


def test_two_lower_bounds_of_one_measure_are_not_a_conflict(tmp_path):
    """Both "more than $40 million" and "more than $55 million" can be true."""
    found = extract(write(tmp_path, wire=WIRE, local=LOCAL))
    pairs = {tuple(sorted(f["text"] for f in c["figures"])) for c in found["conflicts"]}
    assert ("more than $40 million", "more than $55 million") not in pairs


def test_same_measure_different_numbers_is_a_conflict(tmp_path):
    local = LOCAL.replace("more than $55 million", "$55 million")
    wire = WIRE.replace("more than $40 million", "$40 million")
    found = extract(write(tmp_path, wire=wire, local=local))
    kinds = {
        (c["kind"], tuple(sorted(f["text"] for f in c["figures"]))) for c in found["conflicts"]
    }
    assert ("conflict", ("$40 million", "$55 million")) in kinds


def test_equal_numbers_that_count_different_things_are_a_different_measure(tmp_path):
    ferry = "The ferry carries 300 passengers on each crossing between the islands."
    airport = "Airport officials said 300 passengers were stranded overnight by the storm."
    found = extract(write(tmp_path, ferry=ferry, airport=airport))
    assert [c["kind"] for c in found["conflicts"]] == ["different measure"]


def test_plain_text_metadata_only_where_the_text_says_it(tmp_path):
    text = "Harbour pier closed\n\nBy Jane Doe\n\nMay 3, 2021\n\n" + WIRE
    (tmp_path / "story.txt").write_text(text, encoding="utf-8")
    [article], skipped = read_folder(tmp_path)
    assert skipped == []
    assert (article.title, article.author, article.published, article.outlet) == (
        "Harbour pier closed",
        "Jane Doe",
        "2021-05-03",
        "",
    )
    assert article.body.startswith("The port authority")


COUNCIL = "\n\n".join(
    [
        "The city council approved a budget of 30,000,000 dollars for road repairs on Tuesday, "
        "with most of the money going to potholes in the eastern districts.",
        "Councillor Maria Lopez said the vote was the largest transport spending in a decade.",
        "Libraries will close two hours earlier on weekdays to save money.",
    ]
)
GAZETTE = "\n\n".join(
    [
        "Councillors voted on Tuesday to spend $30 million repairing the city's roads, "
        "mostly filling potholes across eastern districts.",
        "Opening hours at public libraries are being cut by two hours each weekday as "
        "part of the savings.",
        "Residents at the meeting applauded the decision.",
    ]
)
DIGEST = "\n\n".join(
    [
        "According to The Valley Gazette, councillors voted on Tuesday to spend $30 million "
        "repairing roads, most of it on potholes in the eastern districts.",
        "The paper said library hours would be cut by two hours a weekday.",
    ]
)


def test_a_budget_claim_worded_differently_is_matched_across_outlets():
    claims = find_claims(
        [plain_article("council.txt", COUNCIL), plain_article("gazette.txt", GAZETTE)]
    )
    roads = [c for c in claims if "pothole" in c.claim]
    libraries = [c for c in claims if "librar" in c.claim.lower()]
    assert len(roads) == 1 and roads[0].articles == ["council.txt", "gazette.txt"]
    assert roads[0].independent is True
    assert len(libraries) == 1 and libraries[0] is not roads[0]


def test_a_claim_relayed_according_to_an_outlet_is_derived():
    claims = find_claims(
        [plain_article("gazette.txt", GAZETTE), plain_article("digest.txt", DIGEST)]
    )
    roads = [c for c in claims if "pothole" in c.claim]
    assert len(roads) == 1 and roads[0].articles == ["digest.txt", "gazette.txt"]
    assert roads[0].independent is False


def test_the_fact_that_one_sentence_shares_a_name_is_not_a_claim():
    first = plain_article(
        "a.txt", "Mayor Tom Reed opened the new swimming pool in the northern suburb on Friday."
    )
    second = plain_article(
        "b.txt", "Mayor Tom Reed was criticised by opposition councillors over parking fines."
    )
    assert find_claims([first, second]) == []


def test_a_plain_text_header_without_blank_lines_and_a_titled_byline():
    text = "Tram line opens\nBy Lena Fisk, Transport Correspondent\n7 June 2024\n\n" + WIRE
    article = plain_article("tram.txt", text)
    assert (article.title, article.author, article.published) == (
        "Tram line opens",
        "Lena Fisk",
        "2024-06-07",
    )
    assert article.body == WIRE


def test_a_hard_wrapped_first_paragraph_is_not_a_header():
    text = "The port authority closed the terminal on Monday\nafter cracks appeared.\n\nMore."
    assert plain_article("wrapped.txt", text).title == ""


RECAP = "\n\n".join(
    [
        "The northern terminal was closed on Monday after cracks were found in its main pier, "
        "The Harbor Times first reported.",
        "Speaking to the Bay Courier on Tuesday, an authority engineer confirmed that repairs "
        "would take at least three months and cost more than $40 million.",
    ]
)


def test_an_article_s_own_outlet_is_not_a_credit_to_another():
    claims = find_claims([plain_article("wire.txt", WIRE), plain_article("recap.txt", RECAP)])
    pier = [c for c in claims if "pier" in c.claim]
    repairs = [c for c in claims if "repairs" in c.claim]
    assert pier and pier[0].independent is False  # "The Harbor Times first reported"
    assert repairs and repairs[0].independent is True  # "Speaking to the Bay Courier"


def test_why_a_source_is_anonymous_is_not_a_shared_claim():
    first = plain_article(
        "a.txt",
        "A teacher at the school, who asked not to be named because she was not authorized "
        "to speak, said the heating had failed.",
    )
    second = plain_article(
        "b.txt",
        "A firefighter, who asked not to be named because he was not authorized to speak, "
        "said the crew arrived late.",
    )
    assert find_claims([first, second]) == []

"""Speaker resolution on articles written for these tests, on subjects other than the seeds."""

from quizapp.builder.quotes import find_quotes
from quizapp.builder.speakers import attribute


def speakers(body: str) -> list[tuple[str, str]]:
    quotes = find_quotes(body)
    return [(q.text[:20], a.speaker) for q, a in zip(quotes, attribute(body, quotes), strict=True)]


FLOOD = "\n\n".join(
    [
        "Maria Okonkwo has run the bakery on Mill Street for 22 years.",
        "“The water came through the door in ten minutes,” Ms. Okonkwo said. “We lost "
        "everything on the bottom shelves.”",
        "Her neighbour, Thomas Feld, a retired teacher, watched from the bridge.",
        "“I have never seen the river like that,” Mr. Feld said.",
        "The city council said in a statement that it would review the flood defences.",
        "He added that the sirens sounded too late. “Nobody heard anything until the "
        "water was already in the street,” he said.",
        "“We are doing everything we can to help families return home,” the council said.",
        "“They told us to wait and then nobody came,” said one resident, who asked not "
        "to be named.",
        "According to the regional water authority, “the barrier performed as designed.”",
    ]
)


def test_a_title_and_surname_resolve_to_the_fullest_name():
    result = dict(speakers(FLOOD))
    assert result["The water came throu"] == "Maria Okonkwo"
    assert result["I have never seen th"] == "Thomas Feld"


def test_the_second_half_of_a_split_quote_keeps_the_speaker():
    assert dict(speakers(FLOOD))["We lost everything o"] == "Maria Okonkwo"


def test_a_pronoun_resolves_to_the_last_fitting_person():
    assert dict(speakers(FLOOD))["Nobody heard anythin"] == "Thomas Feld"


def test_an_institution_and_a_bare_reference_to_it():
    assert dict(speakers(FLOOD))["We are doing everyth"] == "the city council"


def test_an_anonymous_speaker_keeps_the_descriptor():
    assert dict(speakers(FLOOD))["They told us to wait"] == "one resident"


def test_according_to_names_the_source():
    assert dict(speakers(FLOOD))["the barrier performe"] == "the regional water authority"


def test_she_skips_the_man_mentioned_last():
    body = (
        "Dr. Priya Natarajan, an astrophysicist, spoke after the lecture. "
        "Mr. Gould, the organiser, introduced her.\n\n"
        "“Dark matter is not a mystery we should be ashamed of,” she said."
    )
    assert speakers(body) == [("Dark matter is not a", "Priya Natarajan")]


def test_a_reported_voice_is_the_person_recalled_not_the_narrator():
    body = (
        "Mr. Haddad remembered a customer who came in every morning.\n\n"
        "“‘Keep the change, it is a good day,’” he recalled her saying."
    )
    assert speakers(body) == [("‘Keep the change, it", "a customer")]


def test_a_descriptor_followed_by_a_name_is_that_person():
    body = (
        "The gallery reopened on Sunday, said the museum's head of collections, Ines Varga, "
        "who oversaw the move.\n\n"
        "“Every painting came back,” she said, “and not one frame is scratched.”"
    )
    assert [s for _q, s in speakers(body)] == ["Ines Varga", "Ines Varga"]


def test_any_noun_before_an_anonymity_clause_is_the_speaker():
    body = (
        "A lock keeper on the canal, who spoke on the condition of anonymity because he was "
        "not allowed to talk to the press, said the gates had jammed twice.\n\n"
        "“We told them in the spring that the hinges were going,” he said."
    )
    assert speakers(body) == [("We told them in the ", "a lock keeper on the canal")]


def test_a_saint_in_an_institution_s_name_is_kept():
    body = (
        "St. Agnes College said in a statement that the library “will reopen after the "
        "repairs are finished.”"
    )
    assert speakers(body) == [("will reopen after th", "St. Agnes College")]


def test_a_name_does_not_run_over_a_paragraph_break():
    body = (
        "The ferry docked at Ostend.\n\n"
        "Captain Rhys Bowen said the crossing was rough. “We had four-metre waves,” he said."
    )
    assert speakers(body) == [("We had four-metre wa", "Rhys Bowen")]


def test_a_middle_initial_and_a_title_after_an_organisation_keep_the_name():
    body = (
        "“It was the calmest winter we have had in a decade,” said Tomas K. Brandt, the site "
        "manager.\n\n“We will launch again next month,” said NASA Administrator Bill Nelson."
    )
    assert [s for _q, s in speakers(body)] == ["Tomas K. Brandt", "Bill Nelson"]


def test_an_abbreviated_title_does_not_end_the_speakers_name():
    body = "“The ships can dock at the new pier now,” said Rear Adm. Lucia Farrow."
    assert speakers(body)[0][1].endswith("Lucia Farrow")


def test_a_document_speaks_for_whoever_issued_it():
    body = (
        "“The plan is unsafe for every worker,” a statement from the Dock Workers Union said."
        "\n\n“Nobody checked the pumps for years,” said a statement released by county officials."
        "\n\nA report by the water board found cracks. “The levee was not inspected in years,” "
        "the report said."
    )
    assert [s for _q, s in speakers(body)] == [
        "the Dock Workers Union",
        "county officials",
        "the water board",
    ]


def test_a_name_before_the_verb_wins_over_one_at_the_start_of_the_sentence():
    body = (
        "Hillary Clinton spoke after Donald Trump. Asked about Trump's claim that it was a bomb, "
        "Clinton said, “I think it is important to know the facts about any incident like this.”"
    )
    assert speakers(body)[0][1] == "Hillary Clinton"


def test_a_speaker_named_only_beside_the_verb():
    body = (
        "“That is right, Donald, every word of it,” Melanie said to the television.\n\n"
        "As a phone rang, the announcer said, “It is three in the morning and your children are "
        "asleep.”"
    )
    assert [s for _q, s in speakers(body)] == ["Melanie", "the announcer"]


def test_a_pull_quote_signed_with_a_dash():
    body = "“He makes simple blanket statements about people he knows nothing about.” ― Ana Ruiz"
    assert speakers(body)[0][1] == "Ana Ruiz"


def test_a_generational_suffix_is_part_of_the_name():
    body = "“Absolutely hate this framing of the vote,” Vann R. Newkirk II, a writer, said online."
    assert speakers(body)[0][1] == "Vann R. Newkirk II"


HARBOUR = "\n\n".join(
    [
        "The port authority's chief engineer, Ines Calloway, inspected the harbour wall on "
        "Tuesday after the storm.",
        "“It held,” Calloway said. “But the next storm will find every crack we did not fix.”",
        "Repairs may wait until spring, Calloway said. “The money for this year is spent.”",
        "Said Okafor: “Nobody on the quay was told the wall had been inspected at all.”",
        "“We will publish the inspection in full this week,” Mr. Okafor added.",
        "“The wall is the harbour’s oldest structure and needs constant care,” the port "
        "authority's former chief engineer said in an interview.",
        "“Moorings must be doubled whenever a gale warning is issued,” said the harbour bylaw.",
        "“We never moor close to the wall,” my uncle often said.",
        "Calloway said the survey “found no new damage to the foundations.” Mr. Okafor "
        "said that more checks would follow.",
        "Asked about the fishermen’s complaint that the wall was unsafe, Calloway said, “The "
        "wall is safe for now, and we will say so when it is not.”",
    ]
)


def test_a_quote_after_a_sentence_naming_the_speaker_is_theirs():
    result = dict(speakers(HARBOUR))
    assert result["But the next storm w"] == "Ines Calloway"  # the first part is too short
    assert result["The money for this y"] == "Ines Calloway"


def test_the_speaker_may_come_first_with_the_verb_before_them():
    assert dict(speakers(HARBOUR))["Nobody on the quay w"] == "Okafor"


def test_a_title_with_a_surname_that_is_also_a_title():
    # "King", "Prince" or "Major" after "Mr." is the surname
    assert (
        dict(
            speakers("The inquiry opened on Monday. “The records will be public,” Mr. King added.")
        )["The records will be "]
        == "King"
    )


def test_a_descriptor_with_an_owner_or_a_document_after_the_verb():
    result = dict(speakers(HARBOUR))
    assert result["The wall is the harb"] == "the port authority's former chief engineer"
    assert result["Moorings must be dou"] == "the harbour bylaw"
    assert result["We never moor close "] == "my uncle"


def test_a_quote_that_ends_its_sentence_belongs_to_that_sentence():
    assert dict(speakers(HARBOUR))["found no new damage "] == "Ines Calloway"


def test_a_participle_opening_the_sentence_is_not_the_speaker():
    assert dict(speakers(HARBOUR))["The wall is safe for"] == "Ines Calloway"


TRANSIT = "\n\n".join(
    [
        "Fenwick Says Strike Will Go Ahead",
        "The rail union's general secretary, Darius Fenwick, spoke to members on Friday.",
        "Stated Fenwick:",
        "“We have waited eleven months for an offer that respects the people who run trains.”",
        "Transport minister Alma Ruiz: “The offer on the table is the best in a decade.”",
        "“Every line will run a reduced timetable during the strike,” Fenwick told the Evening "
        "Ledger. “Passengers should check before they travel, every single morning.”",
        "Ruiz said on Thursday she “had asked the union to return to talks at once,” and he "
        "said that talks were pointless.",
        "“There is no money left for a bigger offer,” Alma Ruiz, the transport minister "
        "appointed in the spring after the previous minister resigned, told reporters.",
        "Speaking outside the depot on Saturday, Fenwick, 58, said it was too early to name a "
        "date but added, “The members will decide, not me.”",
    ]
)


def test_a_paragraph_ending_with_a_colon_introduces_the_quote_after_it():
    assert dict(speakers(TRANSIT))["We have waited eleve"] == "Darius Fenwick"


def test_a_name_and_a_colon_before_a_quote_name_its_speaker():
    assert dict(speakers(TRANSIT))["The offer on the tab"] == "Alma Ruiz"


def test_whoever_is_told_is_not_the_speaker_of_the_next_quote():
    assert dict(speakers(TRANSIT))["Passengers should ch"] == "Darius Fenwick"


def test_a_quote_before_and_he_said_stays_with_its_own_clause():
    assert dict(speakers(TRANSIT))["had asked the union "] == "Alma Ruiz"


def test_a_long_description_between_the_quote_and_its_verb():
    assert dict(speakers(TRANSIT))["There is no money le"] == "Alma Ruiz"


def test_the_speaker_among_the_clauses_before_the_verb():
    assert dict(speakers(TRANSIT))["The members will dec"] == "Darius Fenwick"


def test_a_headline_is_not_a_name():
    assert not any("Says" in s for _q, s in speakers(TRANSIT))


DEBATE = "\n\n".join(
    [
        "Mayor Ines Calloway and councillor Omar Reyes debated the bridge on Tuesday.",
        "“It seems extremely unlikely, to be honest” that Reyes can stop the repairs, said "
        "engineer Paolo Venn.",
        "After Reyes said the repairs were too slow, Calloway said: “The repairs are on "
        "schedule and the council has the money for them.”",
        "“Nothing prepares a town for losing its only bridge,” the keynote speaker will say, "
        "according to excerpts of the speech.",
        "“Omar wants to be the tough one tonight,” Calloway shot back.",
    ]
)


def test_a_quote_running_on_into_a_clause_before_the_verb_and_speaker():
    assert dict(speakers(DEBATE))["It seems extremely u"] == "Paolo Venn"


def test_the_verb_that_introduces_the_quote_names_its_speaker():
    assert dict(speakers(DEBATE))["The repairs are on s"] == "Ines Calloway"


def test_a_speaker_before_a_modal_verb():
    assert dict(speakers(DEBATE))["Nothing prepares a t"] == "the keynote speaker"


def test_a_verb_of_saying_in_two_words():
    assert dict(speakers(DEBATE))["Omar wants to be the"] == "Ines Calloway"

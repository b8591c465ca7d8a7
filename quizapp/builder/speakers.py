"""Who said each quote: attribution patterns, fullest names, pronouns and anonymous descriptors."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from quizapp.builder.quotes import SPEECH, SPEECH_VERBS, QuoteSpan
from quizapp.builder.sentences import ABBREVIATIONS
from quizapp.builder.text import fold, paragraph_spans, sentence_spans, stem, words_of

COLON_NAMED = re.compile(r"^\s*(?P<who>[^:;.“”\"]{2,80}):\s*$")
# "Said Ellis: “…”": the verb first, then a short name and a colon.
INVERTED = re.compile(rf"^\s*(?:{SPEECH_VERBS.title()})\s+(?P<who>[^:,.;]{{1,60}}):\s*$")
TITLES = (
    "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rep|Sen|Gov|Gen|Col|Capt|Lt|Sgt|Rev|Fr|Sr|Sra|St|Sir|Dame|Lord|"
    "Lady|President|Prime Minister|Vice President|Minister|Senator|Governor|Mayor|Judge|Justice|"
    "Chancellor|King|Queen|Prince|Princess|Pope|Sheikh|Professor|Secretary|Commissioner|"
    "Representative|Ambassador|General|Detective|Inspector|Officer|Coach|Father|Sister|Rabbi|Imam|"
    "Captain|Lieutenant|Sergeant|Constable|Superintendent|Chief|Councillor|Councilman|"
    "Councilwoman|Alderman|Bishop|Archbishop|Cardinal|Chairman|Chairwoman|Administrator|Director|"
    "Admiral|Adm|Commander|Cmdr|Maj|Major|Cpl|Corporal|Supt|Insp|Det|Deputy|Spokesman|Spokeswoman|"
    "Spokesperson"
)
# A capitalised word; it keeps a final full stop only when short ("Dr.", "J.", "U.S."), so that
# "... to Dunmore. Mayor Lorna Birch" is not read as one name.
CAP = r"[A-ZÁÉÍÓÚÑÜÀÈÌÒÙÇ][\wÀ-ÿ’'-]*(?:\.[A-Z])*(?:(?<![\wÀ-ÿ’'-]{4})\.)?"
PARTICLE = r"(?:de|del|de la|da|das|do|dos|van|von|der|den|bin|ibn|al|el|la|le|du|di|y)"
SPACE = r"(?:[ \t]+\n?|\n)[ \t]*"  # between the words of a name: never a paragraph break
NAME = rf"{CAP}(?:{SPACE}(?:{PARTICLE}{SPACE})?{CAP}){{0,4}}"
TITLED = re.compile(rf"\b(?P<title>{TITLES})\.?\s+(?P<name>{NAME})")
CAPSEQ = re.compile(rf"(?<![\w’'.-]){NAME}")
ROLE_NOUNS = (
    "doctor|physician|nurse|patient|official|officer|spokesman|spokeswoman|spokesperson|resident|"
    "witness|source|worker|employee|supervisor|member|activist|expert|analyst|student|teacher|"
    "parent|mother|father|man|woman|defector|voter|lawyer|attorney|diplomat|minister|soldier|"
    "farmer|owner|manager|executive|researcher|scientist|professor|candidate|lawmaker|senator|"
    "aide|adviser|advisor|person|neighbou?r|survivor|victim|colleague|friend|relative|leader|"
    "director|mayor|medic|surgeon|dentist|collaborator|agent|protester|refugee|migrant|engineer|"
    "driver|shopkeeper|economist|historian|investigator|prosecutor|judge|detective|villager|"
    "organizer|organiser|volunteer|pilot|guard|veteran|customer|user|citizen|representative|"
    "girl|boy|child|businessman|businesswoman|politician|journalist|reporter|editor|coach|player|"
    "fan|tenant|landlord|pharmacist|specialist|consultant|operative|staffer|insider|dealer|"
    "miner|fisherman|trader|clerk|cashier|vendor|chef|priest|pastor|nun|monk|administrator|"
    "supporter|strategist|host|commentator|critic|opponent|ally"
)
INSTITUTION_NOUNS = (
    "government|ministry|department|agency|company|firm|police|army|military|court|council|"
    "committee|commission|university|hospital|organi[sz]ation|group|party|federation|union|"
    "office|embassy|administration|authorit(?:y|ie)|regime|campaign|bank|board|institute|"
    "association|network|foundation|coalition|alliance|club|team|school|newspaper|paper|"
    "report|study|survey|statement|presidency|cabinet|parliament|congress|senate|"
    "legislature|ngo|charity|watchdog|prosecutors|inspectorate|service|website|outlet"
)
DETERMINER = (
    r"(?:one of the|one of its|some of the|a|an|one|another|the|this|that|two|three|several|"
    r"other|some|many)"
)
FUNCTION_WORDS = (
    "of|in|to|for|with|by|and|or|from|at|on|that|who|which|was|were|is|are|has|have|had|said|"
    "told|but|as|than|whose|when|where|not|its|their|his|her"
)
DESCRIPTOR = re.compile(
    rf"\b(?P<det>(?i:{DETERMINER}))\s+(?P<mods>(?:(?!(?:{FUNCTION_WORDS})\s)[\w’'-]+\s+){{0,3}}?)"
    rf"(?P<head>(?i:{ROLE_NOUNS}|{INSTITUTION_NOUNS}))(?P<plural>e?s)?\b"
    rf"(?:\s+(?:named|called)\s+(?P<named>{NAME})"
    rf"|\s+(?:from|at|of|with|within|for)\s+the\s+[A-Z][\w’'-]*(?:\s+(?:of|the|and|for|[A-Z][\w’'-]*))*)?",
)
SIGNED = re.compile(rf"[ \t]*[.,]?[ \t]*[―—–][ \t]*(?P<name>{NAME})")
SUFFIXES = frozenset(["II", "III", "IV", "Jr.", "Sr."])  # of a name, not an acronym
DOCUMENTS = frozenset(["statement", "report", "study", "survey", "letter", "release", "memo"])
AUTHORED = re.compile(r"\s+(?:from|by|of|(?:released|issued|published|sent)\s+by)\s+")
# "a nurse in the emergency department, who asked not to be named": whatever the noun, the
# clause says the speaker is anonymous, and the words before it are how the article names them.
ANONYMITY = (
    r"asked not to be|asked that (?:his|her|their) name|requested anonymity|"
    r"spoke (?:on (?:the )?condition of anonymity|anonymously)|declined to be (?:named|identified)|"
    r"did not want to be (?:named|identified)|(?:was|is|were|are) not authori[sz]ed to|"
    r"would (?:not|only) give|would not be (?:named|identified)"
)
ANONYMOUS = re.compile(
    r"\b(?P<descriptor>(?i:a|an|one|another)\s+(?:[\w’'-]+\s+){0,9}?[\w’'-]+),?\s+"
    rf"(?P<who>who)\s+(?:{ANONYMITY})"
)
# "the county's chief fire officer, Orla Penhallow, said": the descriptor names that person.
APPOSITIVE = re.compile(rf",?[ \t]+(?P<name>{NAME})(?=[ \t]*(?:,|\b(?:{SPEECH_VERBS})\b))")
# "…,” Malkia Cyril, the executive director of the center, told …": a name and its
# description between a quote and its verb, however long.
APPOSED = re.compile(rf"\W*{NAME},[^,.;“”\"]{{1,150}},\s*$")
PRONOUN = re.compile(r"\b(he|she|they)\b", re.IGNORECASE)
ORG_WORDS = words_of(
    """government ministry department agency company police army court council committee
    commission university hospital organization organisation group party federation union office
    embassy administration authorities regime bank board institute association network foundation
    coalition alliance times post journal news herald tribune guardian telegraph gazette watch
    convention conference
    service services program programme house assembly congress senate parliament forces corp inc
    ltd co reuters press nations states kingdom republic center centre fund church college school
    academy clinic museum library trust society"""
)
NOT_NAME_START = words_of(
    """the a an but and or in on at of for to from by with as after before when while if
    this that these those it its his her their our my your he she they we i there here what
    why how who many some most more one another no not so yet also then still even last next
    each every all both during since until under over about into through against between
    meanwhile however today yesterday tomorrow earlier later"""
)
HEADLINE_VERBS = words_of("says said tells told warns calls slams asks urges claims")
OWNERS = words_of("the a an his her their my our your")
# Trailing words of "my father often said", "the president will say".
ADVERBS = words_of(
    "often also later then again once still always never will would can could may might must "
    "should shall did does"
)
PLACE_START = words_of("la las los el san santa new north south east west upper lower")
NOT_PERSON_END = words_of(
    """america africa europe asia states kingdom city county province state island islands
    republic coast valley street avenue square park river lake mountains bay gulf sea ocean
    airport station day week month christmas easter monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december east west north south district region territory peninsula"""
)


@dataclass
class Entity:
    name: str
    kind: str  # person | descriptor | institution
    plural: bool = False
    gender: Counter = field(default_factory=Counter)

    def fits(self, pronoun: str) -> bool:
        pronoun = pronoun.lower()
        if pronoun == "they":
            return self.plural
        if self.plural or self.kind == "institution":
            return False
        male, female = self.gender["m"], self.gender["f"]
        if pronoun == "he":
            return male >= female
        return female >= male


class Resolver:
    """Resolves the speaker of each quote of one article, reading it in order."""

    def __init__(self, body: str, quotes: list[QuoteSpan]) -> None:
        self.body = body
        self.quotes = quotes
        self.inside = [(q.open_mark, q.after) for q in quotes]
        self.entities: dict[str, Entity] = {}
        self.history: list[tuple[int, Entity, bool]] = []  # (position, entity, is_subject)
        self._fullest: dict[str, str] = {}
        self.full_names = sorted(set(self._full_names()))
        self.focus: Entity | None = None  # the narrator when a quote reports someone else
        self.documents: dict[str, Entity] = {}  # "statement" -> who issued the statement
        self.inferred = False  # the quote being resolved has no verb of saying (Attribution)
        self.inferred_at: dict[int, bool] = {}  # the same, of each quote resolved

    # -- names -----------------------------------------------------------------------------
    def _full_names(self) -> list[str]:
        names = []
        for match in CAPSEQ.finditer(self.body):
            if INVERTED.match(match.group() + ":") and self.body.startswith(":", match.end()):
                continue  # "Said Ellis:" names Ellis
            name = _clean_name(match.group())
            if name and len(name.split()) >= 2 and _person_like(name):
                names.append(name)
        for match in TITLED.finditer(self.body):
            name = _clean_name(match.group("name"))
            if name and _person_like(name):
                names.append(name)
        return names

    def fullest(self, name: str) -> str:
        """The longest person name in the article that contains every word of name."""
        if name in self._fullest:
            return self._fullest[name]
        words = fold(name).split()
        best = name
        for candidate in self.full_names:
            folded = fold(candidate).split()
            if all(w in folded for w in words) and len(candidate) > len(best):
                best = candidate
        self._fullest[name] = best
        return best

    def entity(self, name: str, kind: str, plural: bool = False) -> Entity:
        key = fold(name)
        if key not in self.entities:
            self.entities[key] = Entity(name, kind, plural)
        return self.entities[key]

    # -- mentions --------------------------------------------------------------------------
    def _outside(self, start: int, end: int) -> bool:
        return not any(a <= start < b or a < end <= b for a, b in self.inside)

    def mentions(self, start: int, end: int) -> list[tuple[int, int, Entity | str]]:
        """Names, descriptors and pronouns in body[start:end], outside quotes, in order."""
        text = self.body[start:end]
        found: list[tuple[int, int, Entity | str]] = []
        taken: list[tuple[int, int]] = []

        def add(s: int, e: int, value: Entity | str) -> None:
            if any(s < b and a < e for a, b in taken) or not self._outside(start + s, start + e):
                return
            taken.append((s, e))
            found.append((start + s, start + e, value))

        for m in TITLED.finditer(text):
            name = _clean_name(m.group("name"))
            if name and _person_like(name):
                ent = self.entity(self.fullest(name), "person")
                if m.group("title") in ("Mr", "Sir", "Lord", "King", "Prince", "Father"):
                    ent.gender["m"] += 5
                elif m.group("title") in ("Mrs", "Ms", "Miss", "Lady", "Queen", "Dame", "Sister"):
                    ent.gender["f"] += 5
                add(m.start(), m.end(), ent)
        for m in ANONYMOUS.finditer(text):
            add(m.start(), m.end("who"), self.entity(m.group("descriptor"), "descriptor"))
        for m in DESCRIPTOR.finditer(text):
            if m.group("head")[0].isupper() and re.match(r"[ \t]+[A-Z]", text[m.end() :]):
                continue  # part of a name: "the Dock Workers Union"
            if text.startswith(("’s ", "'s "), m.end()):
                continue  # an owner: "the agency's director" is the director
            named = m.group("named")
            appositive = None if named else APPOSITIVE.match(text, m.end())
            if appositive and not self._is_person(_clean_name(appositive.group("name"))):
                appositive = None
            if named or appositive:
                name = _clean_name(named or appositive.group("name"))
                ent = self.entity(self.fullest(name), "person")
                add(m.start(), appositive.end("name") if appositive else m.end(), ent)
            else:
                add(m.start(), m.end(), self._descriptor(m, start))
        for m in CAPSEQ.finditer(text):
            name = _clean_name(m.group())
            if not name:
                continue
            if not _person_like(name):
                if _org_like(name):
                    preceded = text[max(0, m.start() - 4) : m.start()].lower() == "the "
                    article = "the " if preceded else ""
                    add(m.start(), m.end(), self.entity(article + name, "institution"))
                continue
            if len(name.split()) >= 2 or self._known_surname(name):
                add(m.start(), m.end(), self.entity(self.fullest(name), "person"))
        for m in PRONOUN.finditer(text):
            add(m.start(), m.end(), m.group().lower())
        found.sort(key=lambda item: item[0])
        return found

    def _is_person(self, name: str) -> bool:
        return _person_like(name) and (len(name.split()) >= 2 or self._known_surname(name))

    def _known_surname(self, word: str) -> bool:
        folded = fold(word)
        return any(folded in fold(n).split() for n in self.full_names)

    def _descriptor(self, m: re.Match, offset: int) -> Entity:
        det = m.group("det").lower()
        head = m.group("head").lower()
        plural = (bool(m.group("plural")) and not det.startswith("one of")) or det in (
            "two",
            "three",
            "several",
            "many",
            "some",
        )
        if det.startswith("one of"):
            plural = False
        institution = re.fullmatch(INSTITUTION_NOUNS, head) is not None
        text = m.group().strip()
        if head in DOCUMENTS:
            # A document speaks for whoever issued it: "a statement from the union" is the union,
            # and so is "the statement" after it.
            author = AUTHORED.match(
                self.body, offset + m.end("head") + len(m.group("plural") or "")
            )
            if author:
                begin = author.end()
                end = begin + _np_end(self.body[begin:])
                phrase = self.body[begin:end].strip()
                found = self.resolve_phrase(begin, end) or (
                    self.entity(phrase, "institution") if phrase else None
                )
                if found:
                    self.documents[head] = found
                    return found
            if det in ("the", "this", "that") and head in self.documents:
                return self.documents[head]
        if det in ("the", "this", "that") and not m.group("mods").strip():
            antecedent = self._antecedent(head, offset + m.start(), plural)
            if antecedent:
                return antecedent
        return self.entity(text, "institution" if institution else "descriptor", plural)

    def _antecedent(self, head: str, before: int, plural: bool) -> Entity | None:
        """The latest earlier descriptor with the same head noun and more words."""
        for _position, ent, _subject in reversed(self.history):
            words = fold(ent.name).split()
            if (
                ent.kind != "person"
                and ent.plural == plural
                and words
                and stem(words[-1]) == stem(head)
            ):
                return ent
        return None

    # -- resolution ------------------------------------------------------------------------
    def resolve_pronoun(
        self, pronoun: str, exclude: Entity | None = None, subjects_first: bool = True
    ) -> Entity | None:
        """The latest fitting person: sentence subjects first, unless resolving an object."""
        subjects = [e for _p, e, s in reversed(self.history[-40:]) if s]
        others = [e for _p, e, _s in reversed(self.history[-40:])]
        for pool in (subjects, others) if subjects_first else (others,):
            for ent in pool:
                if ent is not exclude and ent.fits(pronoun):
                    return ent
        return None

    def resolve_phrase(self, start: int, end: int) -> Entity | None:
        """The first speaker named in body[start:end]: pronoun, name, descriptor, institution."""
        found = self.mentions(start, end)
        if not found:
            return None
        value = found[0][2]
        return self.resolve_pronoun(value) if isinstance(value, str) else value

    def record(self, start: int, end: int) -> None:
        """Add the mentions of a finished sentence to the history; the first is its subject."""
        first = True
        for position, _e, value in self.mentions(start, end):
            if value == "they":
                continue
            ent = self.resolve_pronoun(value) if isinstance(value, str) else value
            if ent is not None:
                self.history.append((position, ent, first))
                first = False

    def learn_genders(self) -> None:
        """A sentence subject's gender from the next he or she, in that sentence or the next."""
        sentences = sentence_spans_cache(self.body)
        for index, sentence in enumerate(sentences):
            stop = sentences[index + 1].end if index + 1 < len(sentences) else sentence.end
            found = self.mentions(sentence.start, stop)
            if not found or not isinstance(found[0][2], Entity):
                continue
            subject = found[0][2]
            if subject.kind == "institution" or subject.plural:
                continue
            pronoun = next((v for _s, _e, v in found[1:] if isinstance(v, str)), None)
            if pronoun in ("he", "she"):
                subject.gender["m" if pronoun == "he" else "f"] += 1


def _clean_name(name: str) -> str:
    name = re.sub(r"(?:’s|'s|’|')$", "", name.strip()).rstrip(".")
    words = name.split()
    while words and words[0].lower().rstrip(".") in NOT_NAME_START:
        words = words[1:]
    untitled = words
    while len(untitled) > 1 and untitled[0].rstrip(".") in TITLES.split("|"):
        untitled = untitled[1:]
    if untitled != words and _org_like(" ".join(untitled)):
        return " ".join(words)  # "St. Brennan's Medical Center": the title is part of the name
    return " ".join(untitled)


def _org_like(name: str) -> bool:
    return any(w.lower().strip(".") in ORG_WORDS for w in name.split())


def _person_like(name: str) -> bool:
    words = name.split()
    if not words or _org_like(name) or words[0].lower() in PLACE_START:
        return False
    if fold(words[-1]) in NOT_PERSON_END:
        return False
    if any(w.isupper() and len(w.rstrip(".")) > 1 and w not in SUFFIXES for w in words):
        return False  # acronyms: SSF, U.S. (an initial, "K.", is part of a name)
    if any(fold(w) in HEADLINE_VERBS for w in words[1:]):
        return False  # a headline's words: "Glenn Beck Says Trump"
    return not any(fold(w) in NOT_NAME_START for w in words)


def _clause_end(body: str, start: int, limit: int) -> int:
    """Where the clause starting at start ends: at sentence punctuation or a new quote."""
    for match in re.finditer(r"[.!?]+(?=\s|$)|[“\"]", body[start:limit]):
        if match.group() == "“":
            return start + match.start()
        if match.group() == '"':
            if start + match.start() > 0 and body[start + match.start() - 1] in " \t\n":
                return start + match.start()
            continue
        word = re.search(r"([\w.]+)$", body[start : start + match.start()])
        if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        return start + match.end()
    return limit


OPENING_PHRASE = re.compile(
    r"^\s*(?:(?:In|On|At|After|Before|During|Since|Later|Earlier|Meanwhile|Speaking|Appearing|"
    r"Asked|Writing|Separately|Elsewhere)\b[^,]{0,80},\s*)"
)
SUBJECT_LEAD = words_of("the a an former then")
# The quoted words run on into the sentence before the verb: "“…” that Sanders can win, said".
CLAUSE_THEN_VERB = re.compile(
    r"\s+(?!(?:a|an|the|one|another|some|he|she|they|his|her|their|my)\s)[a-z][^.;“”\"]*,\s*$"
)
LISTENER_VERBS = frozenset(["told", "tells", "asked", "asks", "telling", "asking"])
NEW_CLAUSE = re.compile(r"\s*(?:and|but|while)\s+(?:he|she|they|[A-Z])")
SPEECH_OBJECT = re.compile(
    r"^\W*(?P<subject>[^,.;]{1,60}?)\s+(?:recalled|remembered|heard|described|quoted)\s+"
    r"(?P<object>him|her|them)\s+(?:shouting|saying|yelling|telling|screaming|asking|crying|"
    r"whispering|pleading|as saying)",
    re.IGNORECASE,
)
ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
BY_AUTHOR = re.compile(
    r"\b(?:post|statement|message|letter|tweet|video|email|note|release)\b[^.]{0,30}?\bby\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    """Who said a quote ("" when the article does not say). Inferred: no verb of saying
    attributes it, and the speaker is read as the subject of its sentence ("Obama condemned
    the “horrific attack”"), which is right less often, so a question on it asks for a check."""

    speaker: str
    inferred: bool = False


def attribute(body: str, quotes: list[QuoteSpan]) -> list[Attribution]:
    """Who said each quote."""
    resolver = Resolver(body, quotes)
    resolver.learn_genders()
    speakers: list[Entity | None] = [None] * len(quotes)
    paragraphs = paragraph_spans(body)
    pending = sorted(range(len(quotes)), key=lambda i: quotes[i].start)
    for sentence in sentence_spans(body):
        while pending and quotes[pending[0]].open_mark < sentence.end:
            index = pending.pop(0)
            resolver.focus = None
            resolver.inferred = False
            speakers[index] = _speaker_of(resolver, quotes, index, speakers, paragraphs)
            resolver.inferred_at[index] = resolver.inferred
            if quotes[index].open_mark == sentence.start and speakers[index]:
                # a sentence led by a quote has its speaker (or its narrator) as subject
                subject = resolver.focus or speakers[index]
                resolver.history.append((sentence.start, subject, True))
        resolver.record(sentence.start, sentence.end)
    return [
        Attribution(_display(s), bool(s) and resolver.inferred_at[i])
        for i, s in enumerate(speakers)
    ]


def _display(entity: Entity | None) -> str:
    """The name as printed: a descriptor starts in lower case ("another doctor")."""
    if entity is None:
        return ""
    name = re.sub(r"\s+(?:of|the|and|for)$", "", entity.name)
    if entity.kind != "person" and re.match(rf"(?i:{DETERMINER})\s", name):
        return name[0].lower() + name[1:]
    return name


def _speaker_of(
    resolver: Resolver,
    quotes: list[QuoteSpan],
    index: int,
    speakers: list[Entity | None],
    paragraphs: list,
) -> Entity | None:
    body = resolver.body
    quote = quotes[index]
    paragraph = next(p for p in paragraphs if p.start <= quote.open_mark < p.end)
    close = quote.after
    following = [q.open_mark for q in quotes if q.open_mark >= close]
    limit = min([paragraph_end(paragraphs, close), *following])
    after_end = _clause_end(body, close, limit)
    after = body[close:after_end]

    special = SPEECH_OBJECT.match(after)
    if special:
        subject = resolver.resolve_phrase(close, close + special.end("subject"))
        target = resolver.resolve_pronoun(
            {"him": "he", "her": "she", "them": "they"}[special.group("object").lower()],
            exclude=subject,
            subjects_first=False,
        )
        if target:
            resolver.focus = subject
            return target

    sentence_start = _sentence_start(body, quote.open_mark, paragraph.start)
    before = body[sentence_start : quote.open_mark]
    ends_sentence = quote.text.rstrip(" ’'\n").endswith((".", "!", "?"))
    if (ends_sentence or NEW_CLAUSE.match(after)) and SPEECH.search(before):
        # 'Husted said the decision “will force us.” He said that…': a quote that ends its
        # sentence (or clause: "…,” and he said…") is that sentence's speaker's; what
        # follows is another report.
        found = _from_before(resolver, sentence_start, before)
        if found:
            return found

    signed = SIGNED.match(after)
    if signed:  # a pull quote signed with a dash: “…” ― Ana Ruiz
        name = _clean_name(signed.group("name"))
        if name and _person_like(name):
            return resolver.entity(resolver.fullest(name), "person")
    verb = SPEECH.search(after)
    if verb and (verb.start() <= 90 or APPOSED.match(after[: verb.start()])):
        post_end = close + verb.end() + _np_end(after[verb.end() :])
        # "“…” that Sanders can win, said Steve Elmendorf": after a clause and a comma, the
        # speaker follows the verb.
        clause = CLAUSE_THEN_VERB.match(after[: verb.start()])
        clause = clause and verb.group() not in LISTENER_VERBS
        before_verb = None if clause else resolver.resolve_phrase(close, close + verb.start())
        if before_verb:
            return before_verb
        found = resolver.resolve_phrase(close + verb.end(), post_end)
        if found:
            return found
        found = _named_by_itself(resolver, after[: verb.start()].strip(" ,—–-"))
        if found:
            return found
        after_verb = body[close + verb.end() : post_end].split()
        if after_verb and fold(after_verb[0]) in ("the", "a", "an"):  # "…,” said the ruling.
            found = _named_by_itself(resolver, " ".join(after_verb))
            if found:
                return found
    by = BY_AUTHOR.search(after)
    if by:
        begin = close + by.end()
        found = resolver.resolve_phrase(begin, begin + _np_end(after[by.end() :]))
        if found:
            return found
    according = ACCORDING.search(after)
    if according:
        start = close + according.end()
        found = resolver.resolve_phrase(start, start + _np_end(after[according.end() :]))
        if found:
            return found

    found = _from_before(resolver, sentence_start, before)
    if found:
        return found
    if not before.strip() and sentence_start > paragraph.start:
        found = _from_previous(resolver, paragraph.start, sentence_start)
        if found:
            return found
    introduced = _introducing_paragraph(body, paragraphs, paragraph, quote)
    if introduced:  # "Stated Stone:" or "The foundation describes itself so:", then the quote
        found = _from_before(resolver, introduced.start, introduced.text)
        if found:
            return found

    earlier = [
        i
        for i in range(len(quotes))
        if quotes[i].end < quote.start and quotes[i].open_mark >= paragraph.start and speakers[i]
    ]
    if earlier:
        latest = max(earlier, key=lambda i: quotes[i].start)
        resolver.inferred = resolver.inferred_at[latest]
        return speakers[latest]
    found = _subject_of(resolver, sentence_start, before)
    resolver.inferred = found is not None
    return found


def _subject_of(resolver: Resolver, offset: int, before: str) -> Entity | None:
    """The subject of the quote's sentence, when nothing says who speaks: "Ted Nordhaus,
    co-founder of the institute, welcomed “the recognition that …”". Only a mention that
    opens the sentence (after an opening phrase such as "In Washington,"), before any
    lower-case word but a determiner or "former"."""
    opening = OPENING_PHRASE.match(before)
    start = opening.end() if opening else 0
    found = resolver.mentions(offset + start, offset + len(before))
    if not found:
        return None
    position, _end, value = found[0]
    lead = resolver.body[offset + start : position].split()
    if any(w[:1].islower() and fold(w) not in SUBJECT_LEAD for w in lead):
        return None
    return resolver.resolve_pronoun(value) if isinstance(value, str) else value


def _named_by_itself(resolver: Resolver, phrase: str) -> Entity | None:
    """A speaker the article names only here, right beside the verb: one capitalised name
    ("Melanie said") or a noun phrase with its determiner or owner ("the announcer said",
    "my father often said", "Obama's former strategist said")."""
    words = phrase.strip(" \t\n\"“”‘’'").split()
    while len(words) > 1 and (words[-1].endswith("ly") or fold(words[-1]) in ADVERBS):
        words.pop()  # "my father often said"
    if len(words) == 1 and re.fullmatch(CAP, words[0]) and fold(words[0]) not in NOT_NAME_START:
        return resolver.entity(resolver.fullest(words[0]), "person")
    owner = re.fullmatch(rf"{CAP}(?:’s|'s)", words[0]) if words else None
    if (
        2 <= len(words) <= 6
        and (fold(words[0]) in OWNERS or owner)
        and not any(fold(w) in NOT_NAME_START for w in words[1:])
    ):
        # "the announcer" may be "he" later; "the ruling" may not
        person = re.fullmatch(rf"(?:{ROLE_NOUNS})s?", fold(words[-1]))
        return resolver.entity(" ".join(words), "descriptor" if person else "institution")
    return None


def _from_previous(resolver: Resolver, floor: int, start: int) -> Entity | None:
    """A quote that opens a sentence after one saying who speaks, in the same paragraph
    ("The talks may wait, Schiff said. “The other factor is…”"), is that speaker's. Only a
    sentence without quotes of its own: one with a quote gives its speaker to the next."""
    previous = _sentence_start(resolver.body, start - 1, floor)
    text = resolver.body[previous:start]
    if not resolver._outside(previous, start):
        return None
    verbs = list(SPEECH.finditer(text))
    if not verbs:
        return None
    verb = verbs[-1]
    tail = text[verb.end() :].strip()
    if tail and len(tail) <= 100 and tail[-1] in ".!?" and verb.group() not in LISTENER_VERBS:
        # "…, said Kerr Putney, the police chief." The speaker follows the verb.
        begin = previous + verb.end()
        end = begin + _np_end(text[verb.end() :])
        found = _named_in(resolver, begin, end)
        if found:
            return found
    return _from_before(resolver, previous, text[: verb.end()])


def _named_in(resolver: Resolver, begin: int, end: int) -> Entity | None:
    """The speaker body[begin:end] names: someone the article mentions, or else a name or
    noun phrase it gives only there (_named_by_itself)."""
    return resolver.resolve_phrase(begin, end) or _named_by_itself(
        resolver, resolver.body[begin:end]
    )


def _introducing_paragraph(body: str, paragraphs: list, paragraph, quote: QuoteSpan):
    """The last sentence of the paragraph before, when it ends with a colon and the quote
    opens this paragraph."""
    index = paragraphs.index(paragraph)
    if index == 0 or body[paragraph.start : quote.open_mark].strip():
        return None
    previous = paragraphs[index - 1]
    if not previous.text.rstrip().endswith(":"):
        return None
    sentences = [s for s in sentence_spans_cache(body) if previous.start <= s.start < previous.end]
    return sentences[-1] if sentences else None


def _from_before(resolver: Resolver, offset: int, before: str) -> Entity | None:
    inverted = INVERTED.match(before)
    if inverted:
        begin, end = offset + inverted.start("who"), offset + inverted.end("who")
        found = _named_in(resolver, begin, end)
        if found:
            return found
    verbs = list(SPEECH.finditer(before))
    colon = COLON_NAMED.match(before)
    if colon and not verbs:  # "Former secretary of state Hillary Clinton: “…”"
        found = resolver.resolve_phrase(offset, offset + colon.end("who"))
        if found:
            return found
    # The verb that introduces the quote, a few words before it ("After Scalia said …, Trump
    # said: “…”"), else the sentence's first ("Clinton said in a speech that …, calling …").
    near = [
        v for v in verbs if len(before[v.end() :].split()) <= 5 and not v.group().endswith("ing")
    ]
    verb = near[-1] if near else (verbs[0] if verbs else None)
    if verb:
        chunk = before[: verb.start()]
        segments = [(m.start(), m.end()) for m in re.finditer(r"[^,;:—]+", chunk)]
        segments = [s for s in segments if chunk[s[0] : s[1]].strip()]
        if segments:
            last = segments[-1]
            last_text = chunk[last[0] : last[1]].strip().lower()
            if last_text in ("he", "she", "they") or last_text.split()[-1:] in (["he"], ["she"]):
                found = resolver.resolve_phrase(offset + last[0], offset + last[1])
                if found:
                    return found
            first = resolver.resolve_phrase(offset + segments[0][0], offset + segments[0][1])
            found = resolver.resolve_phrase(offset + last[0], offset + last[1])
            named_last = chunk[last[0] : last[1]].strip(' \t\n"“”')[:1].isupper()
            if found and found.kind == "person" and named_last:
                return found  # "Asked about the bomb, Clinton said": the name before the verb
            if first and first.kind == "person":
                return first  # "Ana Ruiz, a nurse at the clinic, said"
            if found:
                return found
            for segment in reversed(segments[1:-1]):  # "Appearing at the rally, Suu Kyi, 70, said"
                named = resolver.resolve_phrase(offset + segment[0], offset + segment[1])
                if named and named.kind == "person":
                    return named
            # "The talks may wait, Schiff said": a name the article gives only here
            return _named_by_itself(resolver, chunk[last[0] : last[1]]) or first
    according = ACCORDING.search(before)
    if according:
        start = offset + according.end()
        end = start + _np_end(before[according.end() :])
        found = resolver.resolve_phrase(start, end)
        phrase = resolver.body[start:end].strip()
        if found is None and phrase:
            found = resolver.entity(phrase, "institution")  # whatever it names, it is the source
        return found
    return None


NP_END = re.compile(
    r",|;|:|\.(?=\s|$)|\s(?:who|which|that|as|because|while|when|on|in|after|to|about)\s"
)


# Abbreviated titles and initials, whose full stop does not end a noun phrase.
TITLE_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rep|Sen|Gov|Gen|Col|Capt|Lt|Sgt|Rev|Fr|Sr|Sra|St|Jr|Adm|Cmdr|"
    r"Maj|Cpl|Supt|Insp|Det|Del|[A-Z])$"
)


def _np_end(text: str) -> int:
    """Where the noun phrase at the start of text ends."""
    for match in NP_END.finditer(text):
        if match.group() == "." and TITLE_END.search(text[: match.start()]):
            continue
        return match.start()
    return len(text)


def _sentence_start(body: str, position: int, floor: int) -> int:
    for sentence in sentence_spans_cache(body):
        if sentence.start <= position < sentence.end:
            return max(sentence.start, floor)
    return floor


_CACHE: dict[int, list] = {}


def sentence_spans_cache(body: str) -> list:
    key = hash(body)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = sentence_spans(body)
    return _CACHE[key]


def paragraph_end(paragraphs: list, position: int) -> int:
    for paragraph in paragraphs:
        if paragraph.start <= position <= paragraph.end:
            return paragraph.end
    return position

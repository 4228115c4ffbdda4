"""Text matching shared by every layer: normalisation, words, stop words, stems, sentences.

Every check that compares two texts (is this commitment revisited, does this sentence close
it, does the cited utterance support the LLM's claim, which sentence sums the meeting up) goes
through these functions, so two parts of the copilot never judge the same words differently.
Our own short word lists and regexes: spaCy's import alone costs seconds, for sets of words
that do not change, and its sentence parser does no better on unpunctuated speech.
"""

from __future__ import annotations

import re
import unicodedata

from copilot.models import Language

_COUNTED_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
# Words of folded text; apostrophes and hyphens split ("l'equipe" -> "l", "equipe").
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# -- normalisation ------------------------------------------------------------------------------

def name_key(name: str) -> str:
    """Case- and accent-insensitive key for people's names ("Zoé " == "zoe")."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def name_matches(label: str, full_name: str) -> bool:
    """Whether a label names the person: 'Claire', 'Claire Martin', 'claire m.' all match
    'Claire Martin' (same first name, every further part a prefix of one of the name's parts)."""
    lk, nk = name_key(label), name_key(full_name)
    if not lk or not nk:
        return False
    if lk == nk:
        return True
    lparts, nparts = lk.replace(".", "").split(), nk.replace(".", "").split()
    return lparts[0] == nparts[0] and all(
        any(n.startswith(p) for n in nparts) for p in lparts[1:]
    )


def fold(text: str) -> str:
    """Lower-case, accent-free text for matching rules (keeps length-insensitive regexes simple)."""
    return name_key(text.replace("’", "'"))


def count_words(text: str) -> int:
    """Words as talk metrics count them ("aujourd'hui", "follow-up": one word each)."""
    return len(_COUNTED_WORD.findall(text))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (numbers included: '80', '2026')."""
    return _WORD.findall(fold(text))


# -- stop words ---------------------------------------------------------------------------------

# Function words that say nothing checkable (folded: no accents), per language.
FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    Language.FR: frozenset("""a afin ai aie aient ainsi alors apres as au aucun aussi autre aux
        avais avait avant avec avez avions avoir avons bah beaucoup bien bon bref c ca car ce ceci
        cela celle celles celui cependant certes ces cet cette ceux chacun chaque chez ci comme
        comment d dans de des deja depuis devant dit doit donc dont du elle elles en encore enfin
        entre es est et etaient etais etait ete etre eu eux fait faire fais faut fois font hein ici
        il ils j je jusqu l la le les leur leurs lui m ma mais me meme mes mien moi mon n ne ni non
        nos notre nous o oh ok on ont ou oui par parce pas peu peut peux plus pour pourquoi pu puis
        qu quand que quel quelle quelles quels qui quoi s sa sans se sera serai ses si sien soit son
        sont sous suis sur t ta tant te tes toi ton tous tout toute toutes tres tu un une vais va
        vers voila vos votre vous vraiment y""".split()),  # noqa: SIM905
    Language.EN: frozenset("""a about after again all also am an and any are as at be because
        been before being but by can could did do does doing done for from get got had has have
        having he her here hers him his how i if in into is it its just let me might more most much
        must my no nor not now of off ok okay on once only or other our ours out over own please
        quite really same shall she should so some such than that the their theirs them then there
        these they this those through to too under until up us very was we well were what when
        where which while who whom why will with would yeah yes you your yours""".split()),  # noqa: SIM905
}

# What a commitment or topic is about never lies in these words, in either language: function
# words, days and time words ("vendredi" in a plan and in a reply is no sign they match), and
# the verbs of talking about a topic ("j'aimerais parler de"); set on eval/data/sequences. The
# last two lines are what stands before an apostrophe ("aujourd'hui", "quelqu'un", "didn't").
TOPIC_STOP_WORDS = frozenset("""
    avec pour dans sur sous chez mais donc alors comme quand leur leurs nous vous elle elles ils
    cette ceux celle celui tout tous toute toutes plus moins tres bien deja encore aussi meme
    faire fait faut etre avoir suis sont etait ete avait vais vas va allons allez vont peux peut
    pouvoir dois doit mois semaine semaines prochaine prochain vendredi lundi mardi mercredi
    jeudi samedi dimanche demain hier matin soir lui quoi quel quelle quels quelles
    point points chose choses truc voila ensuite enfin petit petite with from that this these
    those there their them they have has had will would could should been being about into onto
    over under after before when what which while your yours mine just also still then than some
    more most very really thing things make made next week weeks friday monday tuesday wednesday
    thursday saturday sunday today tomorrow yesterday morning aimerais voudrais souhaiterais
    parler parlons parle discuter discutons aborder abordons revenir talk discuss like want
    wanted bring
    aujourd jusqu lorsqu puisqu quelqu presqu didn doesn hasn haven couldn wouldn shouldn wasn
    weren aren
""".split())  # noqa: SIM905


def function_words(lang: str) -> frozenset[str]:
    """The function words of `lang` (English for a language we do not know)."""
    return FUNCTION_WORDS.get(lang, FUNCTION_WORDS[Language.EN])  # type: ignore[call-overload]


# -- content words and stems --------------------------------------------------------------------

CLAIM_STEM = 4  # "envoie"/"envoyer", "slides"/"slide" share their first four letters
TOPIC_STEM = 5  # "envoyer"/"envoyé" share "envoy"; four letters would join unrelated plans


def content_words(text: str, lang: str) -> list[str]:
    """Folded words that are not function words of `lang` (numbers count: '80', '2026')."""
    stops = function_words(lang)
    return [w for w in words(text) if (len(w) >= 3 or w.isdigit()) and w not in stops]


def claim_stems(text: str, lang: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """Stems of what a claim says, to find it in the words it cites (summary, LLM grounding).

    `ignore`: folded words that do not count (e.g. people's names).
    """
    return {w[:CLAIM_STEM] for w in content_words(text, lang) if w not in ignore}


def content_stems(text: str, names: tuple[str, ...] | frozenset[str] | set[str] = ()) -> set[str]:
    """Stems of the words that say what a commitment or topic is about, in either language.

    No function or time words, no people's names: the stems that tell whether a later
    sentence comes back to it (critique's revisit check, memory's matching and search).
    """
    skip = {w for n in names if n for w in words(n)}
    return {w[:TOPIC_STEM] for w in words(text)
            if len(w) >= 4 and w not in TOPIC_STOP_WORDS and w not in skip}


def word_overlap(target: str, sentence: str, names: tuple[str, ...] = ()) -> float:
    """The share of `target`'s content stems that `sentence` holds (0 when it has none)."""
    want = content_stems(target, names)
    if not want:
        return 0.0
    return len(want & content_stems(sentence, names)) / len(want)


# -- sentences ----------------------------------------------------------------------------------

# A sentence ends at . ! ? … followed by space; not after a title or an abbreviation ("M. Dupont",
# "Dr. Smith", "cf. ci-dessous") nor after an initial ("J. Doe"); decimals ("2.5") hold no space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_ABBREVIATIONS = frozenset(
    "m mme mlle dr mr mrs ms st etc cf p ex vs".split()  # noqa: SIM905
)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, as written (stripped)."""
    pieces: list[str] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        if _ends_abbreviation(text[begin : match.start()]):
            continue
        pieces.append(text[begin : match.start()].strip())
        begin = match.end()
    pieces.append(text[begin:].strip())
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        # "Pourquoi ? Parce que..." style fragments stay attached to the part before.
        if out and len(piece) <= 2:
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _ends_abbreviation(piece: str) -> bool:
    if not piece.endswith("."):
        return False
    last = piece.rsplit(None, 1)[-1].rstrip(".").lower() if piece.strip() else ""
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())

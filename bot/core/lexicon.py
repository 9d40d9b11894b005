"""Words of English that every stage knows: stop words, month names, number words, opposites.

Kept in one leaf module that imports nothing of the project, so the splitter (which must not
end a sentence at "Dec."), the analyser (which reads "Dec." as December) and the answer types
(which look for dates and numbers) all agree on the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")

# The Snowball/NLTK English list, which already holds the question words (what, when, who,
# how), plus the auxiliaries and courtesies people add to questions ("could", "please", "tell").
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will just don
    should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn
    mustn needn shan shouldn wasn weren won wouldn
    could would might must shall also please tell know say said
    """.split()
)

MONTHS = (
    "january february march april may june july august september october november december"
).split()
# "Dec." for December; "May" has no shorter form, and "Sept." is as common as "Sep.".
MONTH_ABBREVIATIONS: dict[str, str] = {m[:3]: m for m in MONTHS if len(m) > 3}
MONTH_ABBREVIATIONS["sept"] = "september"


def month_pattern() -> str:
    """A regex alternation of capitalised month names and abbreviations with their stop."""
    full = [m.capitalize() for m in MONTHS]
    short = [rf"{a.capitalize()}\." for a in sorted(MONTH_ABBREVIATIONS, key=len, reverse=True)]
    return "|".join(full + short)


# Every number word a count is written with, and the plurals that stand for a number
# ("thousands fled"): "Fourteen coastal towns" answers "how many towns?" as "14 towns" would.
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion dozen "
    "hundreds thousands millions billions dozens"
).split()


# Pairs of opposite events, as news writes them. A sentence model reads "began" and "finished",
# "rose" and "fell" as near neighbours (the same slot in the same kind of sentence), so
# alignment would count "work began on Saturday" as speaking to "when will the work be
# finished?". A question's word from one side is not spoken to by a sentence that holds only
# the other side (``ranking.alignment``), except in a yes-or-no question, which the other side
# answers: "Does Armenia keep Shusha?" by "despite losing ... Shusha". Word forms, not stems:
# "began" and "begun" have none ("held" is left out: talks are held, not kept). A word may
# stand in several pairs ("lose" against "win" and against "keep"), never on both sides of one.
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(one.split()), frozenset(other.split()))
    for one, other in (
        (
            "begin begins began begun beginning start starts started starting open opens "
            "opened opening launch launches launched commence commences commenced",
            "end ends ended ending finish finishes finished finishing close closes closed "
            "closing complete completes completed completion conclude concludes concluded "
            "stop stops stopped halt halts halted",
        ),
        (
            "win wins won winning victory",
            "lose loses lost losing defeat defeated",
        ),
        (
            "keep keeps kept keeping retain retains retained retaining hold holds holding",
            "lose loses lost losing cede cedes ceded ceding surrender surrenders surrendered",
        ),
        (
            "rise rises rose risen rising increase increases increased grow grows grew grown",
            "fall falls fell fallen falling drop drops dropped decrease decreases decreased "
            "decline declines declined shrink shrinks shrank",
        ),
        (
            "arrive arrives arrived arrival return returns returned returning",
            "depart departs departed departure withdraw withdraws withdrew withdrawn leave "
            "leaves leaving flee flees fled fleeing",
        ),
    )
)

# The verbs a yes-or-no question opens with ("Is the war over?", "Did Turkey help?").
AUXILIARIES = frozenset(
    "is are was were am do does did has have had will would can could should shall may might "
    "must".split()
)


def _sides(word: str) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Each side of ``OPPOSITES`` that holds ``word`` (lower case), with its opposite."""
    return [
        (side, opposite)
        for one, other in OPPOSITES
        for side, opposite in ((one, other), (other, one))
        if word in side
    ]


def opposed(word: str, held: set[str]) -> bool:
    """Whether ``held`` (a text's words, lower case) holds only the opposite of ``word``.

    Only: a text that holds both ("began and finished") speaks to it.
    """
    sides = _sides(word.lower())
    if any(held & side for side, _ in sides):
        return False
    return any(held & opposite for _, opposite in sides)


def words(text: str) -> list[str]:
    """The words of ``text`` as written, in order: what every word test here is given."""
    return _WORD.findall(text)


def held(text: str) -> set[str]:
    """The words ``text`` holds, in lower case: what ``opposed`` and ``kin`` look in."""
    return {word.lower() for word in _WORD.findall(text)}


def contradicted(asked: Sequence[str], question: Sequence[str], found: set[str]) -> list[bool]:
    """For each word of ``asked``: whether ``found`` (``held``) holds only its opposite.

    ``asked`` are words of ``question``, the whole question in order. None for a yes-or-no
    question (``polar``), which the opposite answers.
    """
    if polar(question):
        return [False] * len(asked)
    return [opposed(word, found) for word in asked]


def paired(word: str) -> bool:
    """Whether ``word`` has an opposite in ``OPPOSITES``."""
    word = word.lower()
    return any(word in side for pair in OPPOSITES for side in pair)


def kin(word: str, held: set[str], *, denied: bool = False) -> bool:
    """Whether ``held`` holds ``word`` or another of its side of ``OPPOSITES``.

    Each side is one event said several ways: "moved the start of the summit" speaks to
    "when does the summit open?" as "the summit opens" would. With ``denied`` (a yes-or-no
    question) the other side counts too: "despite losing Shusha" answers "does it keep
    Shusha?".
    """
    word = word.lower()
    if word in held:
        return True
    return any(held & side or (denied and held & opposite) for side, opposite in _sides(word))


def polar(question: Sequence[str]) -> bool:
    """Whether a question of these words (in order) asks yes or no: it opens with a verb.

    The opposite answers such a question ("Has the strike ended?" by "it began again"), so
    ``opposed`` does not count against a sentence there.
    """
    return bool(question) and question[0].lower() in AUXILIARIES

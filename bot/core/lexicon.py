"""Words of English that every stage knows: stop words, month names, number words.

Kept in one leaf module that imports nothing, so the splitter (which must not end a sentence at
"Dec."), the analyser (which reads "Dec." as December) and the answer types (which look for
dates and numbers) all agree on the same words.
"""

from __future__ import annotations

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


NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen"
).split()

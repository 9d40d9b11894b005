"""Answers and knowledge as Telegram HTML: everything escaped, every message within the limit.

Telegram parses ``parse_mode=HTML`` strictly: one unescaped ``<`` from a briefing or a question
and the whole reply is refused. So text only enters a message through ``escape`` or ``marked``,
and tags are written here, balanced, from a small set. Messages are measured in UTF-16 units on
the HTML source, which is never shorter than what Telegram counts, so 4096 always fits.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence

from bot.core import Answer, KnowledgeBase, Match, counted, credit_line, day_text, term_spans

MAX_MESSAGE = 4096
ELLIPSIS = "\u2026"
NO_ANSWER = (
    "I could not find that in the briefings I know. Try other words, "
    "or see /sources for what I have read."
)
# Above a doubtful answer (``Answer.doubtful``): the quote is offered, not vouched for.
DOUBTFUL = "The closest the briefings come:"
NEAREST = "These sections come nearest to your question; tap one to read how it begins."


def length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): emoji count twice."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape text for Telegram HTML, which knows few named entities (no ``&#x27;`` needed)."""
    return html.escape(text, quote=False)


def attribute(text: str) -> str:
    """Escape a value for a double-quoted attribute such as ``href``."""
    return escape(text).replace('"', "&quot;")


def marked(text: str, terms: Collection[str] = ()) -> str:
    """Escape ``text`` and wrap its words that meet ``terms`` in ``<b>``.

    ``terms`` are what the engine searched for (``Answer.terms``), not the question as typed:
    frame words such as "how many" were never searched, so they are never marked.
    """
    spans = term_spans(text, set(terms)) if terms else []
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def fit(text: str, budget: int, terms: Collection[str] = ()) -> str:
    """Mark ``text``, cutting it at a word boundary with an ellipsis when it exceeds ``budget``."""
    wanted = frozenset(terms)
    result = marked(text, wanted)
    while length(result) > budget and text:
        overflow = length(result) - budget
        cut = text[: max(0, len(text) - overflow - 1)]
        text = cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut
        result = marked(text, wanted) + ELLIPSIS
    return result


def join_within(blocks: Iterable[str], limit: int = MAX_MESSAGE, sep: str = "\n\n") -> str:
    """Join whole blocks while they fit; the first block is assumed to fit already."""
    out = ""
    for block in blocks:
        candidate = f"{out}{sep}{block}" if out else block
        if length(candidate) > limit:
            break
        out = candidate
    return out


def split_messages(blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack whole blocks into as few messages as fit; a block over the limit is cut."""
    messages: list[str] = []
    current = ""
    for raw in blocks:
        block = raw if length(raw) <= limit else fit_html_block(raw, limit)
        candidate = f"{current}\n\n{block}" if current else block
        if length(candidate) <= limit:
            current = candidate
            continue
        messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def fit_html_block(block: str, limit: int) -> str:
    """Keep the first lines of an over-long block (lines here never leave a tag open)."""
    return join_within(block.split("\n"), limit - 1, sep="\n") + ELLIPSIS


def citation(match: Match) -> str:
    """Title, section, publisher and date, other briefings saying the same, source link."""
    parts = [f"<i>{fit(match.title, 300)}</i>"]
    parts += [fit(p, 200) for p in (match.section, match.credit) if p]
    line = " \u00b7 ".join(parts)
    if match.repeated:
        line += f"\n{escape(match.repeated)}"
    if match.source:
        line += f'\n<a href="{attribute(match.source)}">Read the source</a>'
    return line


def quote(match: Match, terms: Collection[str], budget: int = 3000) -> str:
    """Quote the answer sentence in a blockquote with the searched ``terms`` in bold."""
    return f"<blockquote>{fit(match.text, budget, terms)}</blockquote>"


def render_answer(answer: Answer) -> str:
    """Render the short reply: the best sentence, quoted and cited, or "not found".

    A sure answer that holds the one fact asked for leads with it in bold ("**November 25**");
    a doubtful answer says so above the quote instead; "not found" points to the nearest sections
    when there are some (their buttons are ``replies.nearest_buttons``).
    """
    best = answer.best
    if best is None:
        return escape(f"{NO_ANSWER}\n\n{NEAREST}" if answer.nearest else NO_ANSWER)
    lead = f"<i>{escape(DOUBTFUL)}</i>\n" if answer.doubtful else ""
    if answer.fact and not answer.doubtful:  # a doubtful quote's fact is no fact to lead with
        lead = f"<b>{escape(answer.fact)}</b>\n"
    reading = f"<i>{escape(best.reading)}</i>\n" if best.reading else ""
    return f"{lead}{quote(best, answer.terms)}\n{reading}{citation(best)}"


def render_section(answer: Answer, chosen: int) -> str:
    """The refusal with the first sentence of one of its nearest sections, quoted and cited."""
    section = answer.nearest[chosen]
    return f"{render_answer(answer)}\n\n{quote(section, ())}\n{citation(section)}"


def section_label(match: Match, limit: int = 60) -> str:
    """A button's label for a section: its heading, else its document's title, cut short."""
    label = match.section or match.title
    return label if len(label) <= limit else label[: limit - 1].rstrip() + ELLIPSIS


def render_more(answer: Answer, context: Sequence[str]) -> str:
    """Render the expanded reply: the paragraph around the best sentence, then the runners-up.

    ``context`` is the sentences of the best sentence's paragraph (``Answerer.context``).
    """
    best = answer.best
    if best is None:
        return escape(NO_ANSWER)
    blocks = [render_answer(answer)]
    around = tuple(context)
    if around != (best.text,):  # a one-sentence paragraph adds nothing to the quote
        blocks.append("<b>Around it</b>")
        blocks += [fit(s, 1500, answer.terms) for s in around]
    if len(answer.matches) > 1:
        blocks.append("<b>Also relevant</b>")
        blocks += [runner_up(m, answer.terms) for m in answer.matches[1:]]
    return join_within(_glue_headings(blocks))


def _glue_headings(blocks: list[str]) -> list[str]:
    """Keep a heading with the block under it, so a cut never leaves a heading alone."""
    out: list[str] = []
    for block in blocks:
        if out and out[-1].startswith("<b>") and out[-1].endswith("</b>"):
            out[-1] = f"{out[-1]}\n{block}"
        else:
            out.append(block)
    return out


def runner_up(match: Match, terms: Collection[str]) -> str:
    """One more matching sentence, the searched ``terms`` in bold, with a short citation."""
    where = " \u00b7 ".join(fit(p, 300) for p in (match.title, match.section) if p)
    if match.published is not None:
        where += f" \u00b7 {day_text(match.published)}"
    return f"\u2022 {fit(match.text, 1500, terms)}\n<i>{where}</i>"


def render_sources(base: KnowledgeBase) -> list[str]:
    """List the documents the bot knows, newest first, as one or more messages."""
    if not base.documents:
        return ["I have no briefings loaded yet."]
    header = f"<b>I have read {counted(len(base.documents), 'briefing')}:</b>"
    blocks = [header]
    for number, doc in enumerate(base.newest_first(), 1):
        lines = [f"<b>{number}. {fit(doc.title, 500)}</b>"]
        credit = credit_line(doc.meta.publisher, doc.meta.published)
        if credit:
            lines[0] += f" \u2014 {fit(credit, 200)}"
        if doc.sections:
            lines.append("Sections: " + fit(", ".join(doc.sections), 2000))
        count = counted(doc.sentence_count, "sentence")
        if doc.meta.source:
            count += f' \u00b7 <a href="{attribute(doc.meta.source)}">source</a>'
        lines.append(count)
        blocks.append("\n".join(lines))
    return split_messages(blocks)


def inline_title(match: Match, limit: int = 100) -> str:
    """Shorten a sentence to a plain-text title for an inline result (no HTML allowed there)."""
    text = match.text
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + ELLIPSIS

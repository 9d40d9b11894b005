"""What Telegram's ``parse_mode=HTML`` accepts: allowed tags and entities, balance, length.

The fake Bot API refuses what the real one would ("can't parse entities"), and tests use
``html_problems`` to say why a text would be refused.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
_BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
MAX_TEXT = 4096


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.visible = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not supported")
            return
        bad = {name for name, _ in attrs} - ALLOWED_TAGS[tag]
        if bad:
            self.problems.append(f"<{tag}> cannot have {sorted(bad)}")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problems.append(f"unescaped bracket in {data[:40]!r}")
        self.visible += len(data.encode("utf-16-le")) // 2

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.problems.append(f"entity &{name}; is not supported")
        self.visible += 1

    def handle_charref(self, name: str) -> None:
        self.visible += 1


def html_problems(text: str) -> list[str]:
    """List why Telegram would refuse ``text`` with ``parse_mode=HTML`` (empty: it is fine)."""
    bare = _BARE_AMPERSAND.search(text)
    if bare:
        return [f"bare or unknown '&' at {bare.start()} in {text[:60]!r}"]
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    problems = parser.problems + [f"<{tag}> never closed" for tag in parser.open]
    if parser.visible > MAX_TEXT:
        problems.append(f"{parser.visible} characters is over {MAX_TEXT}")
    return problems

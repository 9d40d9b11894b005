"""The note for a question in another language (``bot.core.language``): in it, and in English.

The bot cannot answer it (the briefings and the engine are English), but it can say so in
the reader's language where the note is written here, and always in English, with a question
to ask instead.
"""

# ruff: noqa: RUF001 - the notes are Cyrillic and Turkish text, whose letters are meant
from __future__ import annotations

from bot.core import LANGUAGE_NAMES as NAMES
from bot.tg.render import escape

ENGLISH = "I read briefings in English and answer questions asked in English."
NOTES = {
    "ru": "Я читаю брифинги на английском и отвечаю на вопросы, заданные по-английски.",
    "uk": "Я читаю брифінги англійською і відповідаю на запитання, поставлені англійською.",
    "az": (
        "Mən brifinqləri ingilis dilində oxuyuram və ingilis dilində verilən suallara "
        "cavab verirəm."
    ),
    "tr": "Brifingleri İngilizce okuyorum ve İngilizce sorulan sorulara yanıt veriyorum.",
    "fr": "Je lis des briefings en anglais et je réponds aux questions posées en anglais.",
    "de": (
        "Ich lese Briefings auf Englisch und beantworte Fragen, die auf Englisch gestellt werden."
    ),
    "es": "Leo informes en inglés y respondo a las preguntas hechas en inglés.",
    "it": "Leggo i briefing in inglese e rispondo alle domande poste in inglese.",
    "pt": "Leio os briefings em inglês e respondo às perguntas feitas em inglês.",
    "pl": "Czytam briefingi po angielsku i odpowiadam na pytania zadane po angielsku.",
}
FOR_EXAMPLE = {
    "ru": "Например:",
    "uk": "Наприклад:",
    "az": "Məsələn:",
    "tr": "Örneğin:",
    "fr": "Par exemple :",
    "de": "Zum Beispiel:",
    "es": "Por ejemplo:",
    "it": "Per esempio:",
    "pt": "Por exemplo:",
    "pl": "Na przykład:",
}


def language_note(language: str, example: str | None) -> str:
    """The note, as Telegram HTML: the reader's language first (where written), then English."""
    asked = f" <i>{escape(example)}</i>" if example else ""
    english = escape(ENGLISH)
    name = NAMES.get(language)
    if name:
        english = f"It looks like you wrote in {escape(name)}. {english}"
    english += f" For example:{asked}" if asked else ""
    own = NOTES.get(language)
    if own is None:
        return english
    return (
        f"{escape(own)}{' ' + escape(FOR_EXAMPLE[language]) + asked if asked else ''}\n\n{english}"
    )

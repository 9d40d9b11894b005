"""Update JSON shaped like Telegram's: messages, commands, replies, documents, callbacks, inline.

Handler tests turn it into PTB ``Update`` objects (``feed``); the end-to-end tests push the same
JSON through the fake Bot API's ``getUpdates``.
"""

from __future__ import annotations

import itertools
import time
from typing import Any


class UpdateMaker:
    """Update JSON as Telegram sends it: messages, commands, replies, callbacks, inline."""

    def __init__(self, first_id: int = 100) -> None:
        self._ids = itertools.count(first_id)

    @staticmethod
    def user(user_id: int, name: str = "Ann") -> dict[str, Any]:
        """A human sender."""
        return {"id": user_id, "is_bot": False, "first_name": name}

    @staticmethod
    def chat(chat_id: int) -> dict[str, Any]:
        """A private chat for a positive id, a supergroup for a negative one."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Ann"}
        return {"id": chat_id, "type": "supergroup", "title": "Briefing readers"}

    def raw_message(
        self, text: str | None, *, user: int, chat: int, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A message not wrapped in an update, e.g. one to reply to; a command gets its entity."""
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self.chat(chat),
            "from": self.user(user),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                size = len(text.split()[0].encode("utf-16-le")) // 2
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": size}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def message(
        self,
        text: str | None,
        *,
        user: int,
        chat: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An update with a new message; ``chat`` defaults to the sender's private chat."""
        chat_id = user if chat is None else chat
        message = self.raw_message(text, user=user, chat=chat_id, reply_to=reply_to)
        return {"update_id": next(self._ids), "message": message}

    def edited(self, update: dict[str, Any], text: str) -> dict[str, Any]:
        """The update Telegram sends when the message of ``update`` is edited to ``text``."""
        message = dict(update["message"])
        message["text"] = text
        message.pop("entities", None)
        if text.startswith("/"):
            size = len(text.split()[0].encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": size}]
        message["edit_date"] = int(time.time())
        return {"update_id": next(self._ids), "edited_message": message}

    def document(self, file_name: str, file_id: str, size: int, *, user: int) -> dict[str, Any]:
        """An update with a file sent in the sender's private chat."""
        update = self.message(None, user=user)
        update["message"]["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": size,
        }
        return update

    def callback(self, data: str, message: dict[str, Any], *, user: int) -> dict[str, Any]:
        """An update for a press of an inline button with ``data`` under ``message``."""
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": self.user(user),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            },
        }

    def inline(self, query: str, *, user: int) -> dict[str, Any]:
        """An inline query, as typed after ``@bot`` in any chat."""
        query_id = str(next(self._ids))
        return {
            "update_id": query_id,
            "inline_query": {
                "id": query_id,
                "from": self.user(user),
                "query": query,
                "offset": "",
            },
        }


async def feed(app: Any, update: dict[str, Any]) -> None:
    """Hand one update (Telegram's JSON) to a PTB Application, as polling would."""
    from telegram import Update

    await app.process_update(Update.de_json(update, app.bot))

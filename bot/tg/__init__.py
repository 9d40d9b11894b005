"""The Telegram adapter: updates in, the core's answers out as cited HTML replies.

Named ``tg`` so it never shadows the ``telegram`` library. ``app.build_application`` wires the
handlers; ``runner.run_bot`` is what ``python -m bot run`` calls.
"""

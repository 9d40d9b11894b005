"""The Telegram adapter: updates in, the core's answers out as cited HTML replies.

Named ``tg`` so it never shadows the ``telegram`` library. It imports the engine only from
``bot.core``. ``runner.run_bot`` is what ``python -m bot run`` calls; ``app.build_application``
wires the handlers, one module per feature:

    questions.py      questions in private chats, ``/ask`` and follow-ups: answered and quoted
    more_button.py    the "More"/"Less" button that expands an answer in place
    inline.py         inline mode, ``@bot question`` in any chat
    help.py           ``/start``, ``/help``, ``/sources`` and the command menu
    admin.py          ``/reload`` and briefing uploads, for admins only
    votes.py          👍 and 👎 under an answer, one vote per user, never a new message
    reports.py        ``/unanswered``, ``/stats``, ``/feedback``, for admins only
    error_handler.py  a failed update: logged in full, the user told one short line

and what lies under them:

    durable.py        updates recorded before Telegram forgets them, replayed after a crash
    question_log.py   what the state store keeps of each question
    pruning.py        the question log's retention, at start and daily
    reload.py         rebuilding the index in another process, all or nothing (for admin.py)
    render.py         answers and knowledge as Telegram HTML, escaped and within the limit
    replies.py        how a reply is sent, and the "More"/"Less" button itself
    state.py          what lasts between updates: the answerer, the store, throttles
    rate_limiter.py   pacing and retrying every Bot API call (429s, 5xx, lost connections)
"""

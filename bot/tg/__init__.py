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
    links.py          ``/add URL`` and links sent by admins
    removal.py        ``/remove NAME`` with its confirmation buttons
    feed_commands.py  ``/feed add|list|remove|poll``, for admins only
    latest.py         ``/latest``, "what's new?", a day's or a briefing's digest
    announcements.py  ``/subscribe``, ``/unsubscribe``, new briefings announced once each
    small_talk.py     "hi", "thanks!": a reply of its own with example questions
    languages.py      the note to a question in another language, in it and in English
    nearest.py        the nearest sections' buttons under a refusal
    error_handler.py  a failed update: logged in full, the user told one short line

and what lies under them:

    durable.py        updates recorded before Telegram forgets them, replayed after a crash
    question_log.py   what the state store keeps of each question
    pruning.py        the question log's retention, at start and daily
    leases.py         replicas on PostgreSQL: renew this one's leases, take over a dead one's
    feed_poller.py    the feeds polled at start and every FEED_POLL_MINUTES
    tasks.py          background tasks cancelled and awaited alike
    meaning.py        sentence vectors embedded in the background, then answers by meaning
    examples.py       example questions from the current knowledge, worked out once
    reply_links.py    which message answered which, so an edit edits its answer
    reload.py         rebuilding the index in another process, all or nothing (for admin.py)
    render.py         answers and knowledge as Telegram HTML, escaped and within the limit
    replies.py        how a reply is sent, and the "More"/"Less" button itself
    state.py          what lasts between updates: the answerer, the store, throttles
    rate_limiter.py   pacing and retrying every Bot API call (429s, 5xx, lost connections)
"""

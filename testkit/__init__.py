"""Support code for the tests and the benchmarks, never installed with the bot.

* ``fake_bot_api``: a fake Telegram Bot API served on 127.0.0.1, or plugged straight into PTB;
* ``round_robin``: a round-robin HTTP proxy on 127.0.0.1, spreading the fake's webhook
  deliveries over a bot's replicas (a load balancer's stand-in);
* ``telegram_updates``: update JSON shaped like Telegram's, and ``feed`` to hand it to PTB;
* ``telegram_html``: what Telegram's ``parse_mode=HTML`` accepts, as a checker;
* ``bot_process``: the real bot (``python -m bot run``) as a subprocess against the fake API;
* ``ports``: a free port on 127.0.0.1, for a test's own server;
* ``postgres_server``: a real PostgreSQL server on 127.0.0.1, started from its binaries (as an
  unprivileged user when run as root) and removed when it stops;
* ``reference``: the fast index's scores in dense form, for tests to compare with the exhaustive
  rank-bm25 scorer (which is the engine's own: ``bot.core.verification``).

It lives beside ``tests/`` rather than in it so that ``benchmarks/`` can use it without
importing the tests; ``pyproject.toml`` packages only ``bot``, so none of it ships.
"""

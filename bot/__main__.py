"""``python -m bot``: the command line (ask, check, eval) and the Telegram bot (run)."""

import sys

from bot.cli import main

sys.exit(main())

"""briefing-bot: answers questions about news briefings with the exact source sentence, cited."""

__version__ = "0.1.0"

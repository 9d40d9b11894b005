"""The answer engine: knowledge files in, cited source sentences out.

Nothing in this package imports ``telegram``: the bot and the command line are thin adapters
around it, and a test walks this package to keep it that way.
"""

"""Benchmarks for briefing-bot: ``python -m benchmarks.run [--quick]`` (see run.py)."""

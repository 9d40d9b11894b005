"""Text -> terms, one analyser for index and question alike, and what a sentence holds."""

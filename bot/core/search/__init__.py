"""Sentences -> BM25 fields: built, stored by term, cached on disk, scored for a question."""

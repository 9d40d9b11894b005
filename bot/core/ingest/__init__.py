"""Knowledge files -> documents: reading, Markdown, cleaning raw exports, splitting sentences."""

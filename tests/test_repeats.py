"""Fingerprints of sentences' terms: what may repeat what, found without a scan."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from bot.core.ingest.loading import load_knowledge
from bot.core.search.build import build_arrays
from bot.core.search.repeats import Fingerprints
from tests.conftest import MAX_BYTES


def _prints(write, tmp_path, text: str) -> tuple[Fingerprints, list[str]]:
    write("a.md", text)
    base = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    sentences = [s for d in base.documents for p in d.paragraphs for s in p.sentences]
    return Fingerprints(build_arrays(base).sentence_terms), sentences


def test_sentences_with_the_same_terms_share_a_fingerprint_and_only_they(write, tmp_path):
    prints, sentences = _prints(
        write,
        tmp_path,
        "# A\n\nFerries run daily. Daily ferries run! Ferries run weekly.\n\n"
        "FERRIES RUN DAILY. Ferries ferries run daily.\n",
    )
    assert sentences[4] == "Ferries ferries run daily."  # the same terms, one twice: not alike
    assert prints.alike(0) == prints.alike(1) == prints.alike(3) == [0, 1, 3]
    assert prints.alike(2) == [2]
    assert prints.alike(4) == [4]
    assert prints.group.tolist() == [0, 0, -1, 0, -1]


def test_sentences_without_terms_are_never_looked_up(write, tmp_path):
    prints, sentences = _prints(write, tmp_path, "# A\n\nIt is. He was. It is.\n")
    assert sentences == ["It is.", "He was.", "It is."]
    assert [prints.alike(i) for i in range(3)] == [[0], [1], [2]]


def test_no_sentences_no_fingerprints():
    prints = Fingerprints(sp.csr_matrix((0, 5), dtype=np.int64))
    assert len(prints.group) == 0


@given(st.lists(st.lists(st.integers(0, 2), min_size=4, max_size=4), max_size=30))
def test_a_group_is_every_sentence_with_the_same_nonzero_term_counts(rows):
    counts = sp.csr_matrix(np.array(rows, dtype=np.int64).reshape(-1, 4))
    prints = Fingerprints(counts)
    for i, row in enumerate(rows):
        same = [j for j, other in enumerate(rows) if other == row]
        assert prints.alike(i) == (same if any(row) and len(same) > 1 else [i])

from bot.core import AnswerOptions
from bot.core.ingest.loading import load_knowledge
from bot.core.search.index import Bm25Field, SentenceIndex
from testkit.reference import dense_scores, field_postings, field_scores, pair_scores
from tests.conftest import MAX_BYTES


def _field(corpus):
    return Bm25Field(*field_postings(corpus))


def test_empty_corpus_and_empty_documents_score_zero():
    assert field_scores(*field_postings([]), ["x"]).shape == (0,)
    postings, vocabulary = field_postings([[], []])
    assert list(field_scores(postings, vocabulary, ["x"])) == [0.0, 0.0]
    assert Bm25Field(postings, vocabulary).weight("x") > 0


def test_rarer_terms_weigh_more():
    field = _field([["a", "b"], ["a"], ["a", "c"]])
    assert field.weight("b") > field.weight("a")
    assert field.weight("unknown") >= field.weight("b")
    assert field.knows("b")
    assert not field.knows("unknown")


def _index(write, tmp_path):
    write(
        "a.md",
        "# Ports\n\n## Harbour\n\nThe harbour opened. Ships came.\n\nGrain was sold.\n\n"
        "## Elsewhere\n\nBread is baked daily. Cats sleep a lot. Rivers flow to seas.\n\n"
        "## Weather\n\nSnow fell early.\n",
    )
    return SentenceIndex(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))


def test_entries_know_their_place(write, tmp_path):
    index = _index(write, tmp_path)
    assert [(e.text, e.position, e.paragraph_number) for e in index.entries[:3]] == [
        ("The harbour opened.", 1, 1),
        ("Ships came.", 2, 1),
        ("Grain was sold.", 3, 2),
    ]


def test_context_lifts_a_sentence_whose_paragraph_matches(write, tmp_path):
    index = _index(write, tmp_path)
    alone = dense_scores(index, ("ship",), AnswerOptions(window_weight=0, paragraph_weight=0))
    context = dense_scores(index, ("ship",), AnswerOptions())
    assert alone[0] == 0
    assert context[0] > 0
    assert context[2] == 0
    assert context[3] == 0


def test_headings_vouch_for_their_sentences(write, tmp_path):
    index = _index(write, tmp_path)
    assert "harbour" in index.evidence(2)
    assert "port" in index.evidence(2)
    scores = dense_scores(index, ("harbour",), AnswerOptions(window_weight=0, paragraph_weight=0))
    assert scores[2] > 0
    assert scores[3] == 0


def test_word_pairs_side_by_side_earn_a_bonus(write, tmp_path):
    write("a.md", "Grain ships came. Ships sold grain. Cats sleep. Rivers flow. Snow fell.\n")
    index = SentenceIndex(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    pairs = pair_scores(index, ("grain", "ship"))
    assert pairs[0] > 0
    assert pairs[1] == 0


def test_copies_are_the_same_text_whitespace_and_case_aside_anywhere(write, tmp_path):
    write("a.md", "# A\n\nFerries run daily. Ferries run weekly.\n\nFerries run daily.\n")
    write("b.md", "# B\n\nFERRIES RUN DAILY. Daily ferries run.\n")
    index = SentenceIndex(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    texts = [e.text for e in index.entries]
    assert texts == [
        "Ferries run daily.",
        "Ferries run weekly.",
        "Ferries run daily.",
        "FERRIES RUN DAILY.",
        "Daily ferries run.",  # the same terms in another order: another sentence
    ]
    assert index.copies(0) == index.copies(3) == [0, 2, 3]
    assert index.copies(1) == [1]
    assert index.copies(4) == [4]

import numpy as np
import pytest

from bot.core.analysis.encoder import TokenStates
from bot.core.ranking.alignment import aligned_share, content_rows, contradicted, verbatim_share
from testkit.fake_encoder import FakeEncoder


def _states(words: tuple[str, ...], rows: list[list[float]]) -> TokenStates:
    states = np.array(rows, dtype=np.float32).reshape(len(words), -1)
    norms = np.linalg.norm(states, axis=1, keepdims=True)
    return TokenStates(np.zeros(states.shape[1], np.float32), words, states / np.maximum(norms, 1))


def test_only_content_words_that_begin_a_piece_are_compared():
    question = _states(("What", "is", "the", "curr", "", "?", "Armenia"), [[1, 0]] * 7)
    assert [question.words[i] for i in content_rows(question)] == ["curr", "Armenia"]


def test_the_share_counts_words_with_a_close_enough_piece():
    question = _states(("citizens", "currency"), [[1, 0, 0], [0, 1, 0]])
    sentence = _states(("people", "", "three"), [[0.8, 0.0, 0.6], [0, 0, 1], [0, 0, 1]])
    assert aligned_share(question, sentence, 0.75) == pytest.approx(0.5)  # 0.8 >= 0.75
    assert aligned_share(question, sentence, 0.85) == 0.0
    assert aligned_share(question, sentence, -1.0) == pytest.approx(1.0)


def test_nothing_to_compare_is_nothing_aligned():
    encoder = FakeEncoder()
    sentence = encoder.encode_tokens("Armenia has three million people.")
    assert aligned_share(encoder.encode_tokens("What is it?"), sentence, 0.4) == 0.0
    assert aligned_share(encoder.encode_tokens("Armenia?"), encoder.encode_tokens(""), 0.4) == 0.0


def test_synonyms_align_and_other_words_do_not():
    encoder = FakeEncoder({"citizens": "people"})
    sentence = encoder.encode_tokens("Notes: Armenia has three million people.")
    assert aligned_share(encoder.encode_tokens("citizens of Armenia"), sentence, 0.4) == 1.0
    assert aligned_share(encoder.encode_tokens("currency of Armenia"), sentence, 0.4) == 0.5


def test_a_word_held_verbatim_is_aligned_without_the_model():
    encoder = FakeEncoder()
    question = encoder.encode_tokens("Which currency does Armenia use?")
    text = "Notes: Armenia uses the dram."
    words = [question.words[i] for i in content_rows(question)]
    floor = verbatim_share(question, text)
    assert floor == pytest.approx(sum(w in ("armenia",) for w in words) / len(words))
    assert floor > 0
    unread = TokenStates(np.zeros(256, np.float32), (), np.zeros((0, 256), np.float32))
    assert aligned_share(question, unread, 0.4, text) == floor  # verbatim words only
    assert aligned_share(question, encoder.encode_tokens(text), 0.4, text) >= floor
    assert verbatim_share(question, "") == 0.0


def test_an_opposite_does_not_speak_to_a_word_but_answers_a_yes_or_no_question():
    encoder = FakeEncoder({"finished": "began", "ended": "began"})
    text = "Work on the sea wall began on Saturday."
    sentence = encoder.encode_tokens(text)
    # The fake model reads "finished" as "began", as a real one nearly does; the rule says no.
    when = encoder.encode_tokens("When will the sea wall be finished?")
    assert contradicted(when, text).tolist() == [False, False, True]  # sea, wall, finished
    assert aligned_share(when, sentence, 0.4, text) == pytest.approx(2 / 3)
    assert aligned_share(when, sentence, 0.4) == 1.0  # without the text, nothing to tell by
    held_both = "Work began in May and will be finished in June."
    assert not contradicted(when, held_both).any()
    polar = encoder.encode_tokens("Has work on the sea wall ended?")
    assert not contradicted(polar, text).any()
    assert aligned_share(polar, sentence, 0.4, text) == 1.0


def test_a_denial_is_held_verbatim_in_a_yes_or_no_question():
    encoder = FakeEncoder()
    text = "Despite losing the town of Shusha, the region survives."
    polar = encoder.encode_tokens("Does Armenia keep Shusha?")
    words = [polar.words[i] for i in content_rows(polar)]
    assert verbatim_share(polar, text) == pytest.approx(2 / len(words))  # keep, Shusha
    when = encoder.encode_tokens("When did Armenia keep Shusha?")
    assert verbatim_share(when, text) == pytest.approx(1 / len(words))  # Shusha only

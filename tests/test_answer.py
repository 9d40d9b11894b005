import copy

import pytest

from bot.core import Answerer, AnswerOptions, QuestionError
from bot.core.ingest.loading import load_knowledge
from tests.conftest import MAX_BYTES

# BM25Okapi gives no weight to a term found in half the sentences, so tiny test documents
# get a few unrelated sentences first.
FILLER = "Bread is baked daily. Cats sleep a lot. Rivers flow to seas. Snow fell early.\n\n"


def _note(write, tmp_path, *paragraphs: str):
    """A knowledge base of one note: the filler, then ``paragraphs``."""
    write("a.md", "# Notes\n\n" + FILLER + "\n\n".join(paragraphs) + "\n")
    return load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)


def test_kalbajar_handover_is_the_delayed_sentence(briefing):
    answer = briefing.ask("when is Kalbajar handed over?")
    assert answer.best is not None
    assert "handover was delayed until November 25" in answer.best.text
    assert "November 20" not in answer.best.text


def test_a_match_carries_its_citation(briefing):
    best = briefing.ask("Who guards the Lachin corridor?").best
    assert best is not None
    assert best.title == "After Military Defeat, What's Next for Nagorno-Karabakh?"
    assert best.section == "Russian peacekeepers"
    assert best.publisher == "The Moscow Times"
    assert best.source
    assert best.source.startswith("https://")
    assert best.file == "nagorno-karabakh.md"
    assert best.position == 13
    assert best.paragraph == 12
    assert best.score > 0


def test_the_displayed_text_is_the_original_sentence(briefing):
    best = briefing.ask("how many residents fled").best
    assert best is not None
    assert best.text.startswith("Between 75,000 and 90,000 of the region\u2019s 150,000")


@pytest.mark.parametrize(
    "question",
    [
        "hello",
        "thanks!",
        "???",
        "ok thank you",
        "What is the stock price of Apple?",
        "How do I cook rice?",
        "Is Armenia a member of NATO?",
        "What is the weather in Moscow?",
    ],
)
def test_greetings_and_off_topic_questions_get_no_answer(briefing, question):
    answer = briefing.ask(question)
    assert answer.best is None
    assert answer.matches == ()


def test_further_candidates_are_ranked_distinct_and_bounded(briefing):
    answer = briefing.ask("Turkey role", answer_count=4)
    scores = [m.score for m in answer.matches]
    assert 1 < len(answer.matches) <= 4
    assert scores == sorted(scores, reverse=True)
    assert len({m.text for m in answer.matches}) == len(answer.matches)


def test_empty_and_huge_questions_are_errors(briefing):
    with pytest.raises(QuestionError, match="empty"):
        briefing.ask("   ")
    with pytest.raises(QuestionError, match="longer"):
        briefing.ask("why " * 500)


def test_context_is_the_surrounding_paragraph(briefing):
    best = briefing.ask("What did Aliyev promise earlier?").best
    assert best is not None
    assert briefing.context(best) == (best.text,)  # a one-sentence paragraph
    minsk = briefing.ask("What was the security belt?").best
    assert minsk is not None
    assert minsk.text in briefing.context(minsk)
    assert len(briefing.context(minsk)) > 1


def test_answers_carry_the_terms_searched_not_the_words_typed(briefing):
    answer = briefing.ask("How many Russian peacekeepers, and for how long?")
    assert answer.best is not None
    assert "peacekeep" in answer.terms
    assert not {"mani", "long"} & set(answer.terms)  # frame words are not searched


def test_coverage_threshold_turns_weak_evidence_into_no_answer(write, tmp_path):
    base = _note(write, tmp_path, "The harbour opened in spring. Ships carry grain.")
    strict = Answerer(base, AnswerOptions(min_coverage=0.9))
    lenient = Answerer(base, AnswerOptions(min_coverage=0.1, min_paragraph_coverage=0.1))
    question = "when did the harbour close for winter repairs"
    assert strict.ask(question).best is None
    assert lenient.ask(question).best is not None


def test_misspelt_names_still_find_their_sentence(squad):
    best = squad.ask("Which university was established in 1816 in Warsaw? (Univeristy)").best
    assert best is not None
    assert "1816" in best.text


def test_an_unknown_name_needs_the_rest_of_the_question_matched_well(briefing):
    question = "Is Armenia a member of NATO?"
    assert briefing.ask(question).best is None
    best = briefing.ask("Who guards the strategic Lachin corridor, Mr Smith?").best
    assert best is not None
    assert "Lachin corridor" in best.text


def test_a_name_the_paragraph_never_mentions_needs_the_rest_matched_well(write, tmp_path):
    base = _note(write, tmp_path, "London is large. London is old.", "Oslo has 9,000 cyclists.")
    question = "How many cyclists ride in London?"  # London is named, not where cyclists are
    strict = Answerer(base, AnswerOptions(min_paragraph_coverage=0.0))
    lenient = Answerer(base, AnswerOptions(min_paragraph_coverage=0.0, unknown_name_coverage=0.0))
    best = lenient.ask(question).best
    assert best is not None
    assert "Oslo" in best.text
    assert strict.ask(question).best is None


@pytest.mark.parametrize(("place", "answered"), [("northern strait", True), ("south bay", False)])
def test_the_paragraph_must_hold_enough_of_the_question(write, tmp_path, place, answered):
    base = _note(write, tmp_path, f"The {place} is calm in winter. It has 12 ferries.")
    # the paragraph rule alone: no floor of confidence on a two-sentence note
    options = AnswerOptions(min_coverage=0.0, min_paragraph_coverage=0.6, words_min_confidence=0)
    best = Answerer(base, options).ask("How many ferries cross the northern strait?").best
    assert (best is not None) is answered


@pytest.mark.parametrize(
    ("decoy", "answer", "question", "expected"),
    [
        pytest.param(
            "The ferry carries passengers across the bay.",
            "Each day the ferry carries 1,200 passengers.",
            "How many passengers does the ferry carry?",
            "1,200",
            id="how many: a number",
        ),
        pytest.param(
            "The bridge was opened to traffic with a ceremony.",
            "Engineers opened the bridge in May 1932.",
            "When was the bridge opened?",
            "1932",
            id="when: a date",
        ),
        pytest.param(
            "The festival draws crowds to the town moor.",
            "The festival is held on the moor every June.",
            "When does the festival take place?",  # "take place" is no word to match
            "June",
            id="when ... take place: a date, not refused",
        ),
        pytest.param(
            "The strike, which began after the 1998 pay talks, is ending in a deal.",
            "Dockers walked out during the strike between March 3 and April 20.",
            "When did the strike start and end?",
            "between March 3 and April 20",
            id="start and end: both ends",
        ),
    ],
)
def test_the_kind_of_answer_asked_for_wins(write, tmp_path, decoy, answer, question, expected):
    best = Answerer(_note(write, tmp_path, decoy, answer)).ask(question).best
    assert best is not None
    assert expected in best.text


SYNONYMS = {
    "burn": "fire",
    "alight": "fire",
    "houses": "home",
    "homes": "home",
    "citizens": "people",
}


def _meaningful(write, tmp_path, sentence="Many set their homes alight.", **options):
    from bot.core.search.vectors import Meaning, build_vectors
    from testkit.fake_encoder import FakeEncoder

    base = _note(write, tmp_path, sentence)
    encoder = FakeEncoder(SYNONYMS)
    meaning = Meaning(build_vectors(base, encoder), encoder)
    return Answerer(base, AnswerOptions(**options), meaning=meaning)


def test_meaning_finds_a_sentence_in_other_words(write, tmp_path):
    answerer = _meaningful(write, tmp_path, min_meaning=0.3)
    question = "Why did people burn their houses?"
    best = answerer.ask(question).best
    assert best is not None
    assert best.text == "Many set their homes alight."
    assert answerer.with_meaning(None).ask(question).best is None  # words alone: no answer


def test_the_floor_of_confidence_is_the_model_s_with_it_and_words_alone_without(write, tmp_path):
    question = "Why did people burn their houses?"
    found = _meaningful(write, tmp_path, min_meaning=0.3).ask(question)
    assert found.confidence is not None
    above = found.confidence + 1e-3
    strict = _meaningful(write, tmp_path, min_meaning=0.3, min_confidence=above)
    assert strict.ask(question).best is None
    lenient = _meaningful(write, tmp_path, min_meaning=0.3, words_min_confidence=1.0)
    assert lenient.ask(question).best is not None  # the words' floor is not the model's


def test_meaning_too_far_from_the_question_is_no_answer(write, tmp_path):
    answerer = _meaningful(write, tmp_path, min_meaning=0.3, alignment_weight=0.0)
    assert answerer.ask("What is the capital of Peru?").best is None
    strict = _meaningful(write, tmp_path, min_meaning=0.9, alignment_weight=0.0)
    assert strict.ask("Why did people burn their houses?").best is None


def test_a_sentence_that_speaks_to_none_of_what_was_asked_is_no_answer(write, tmp_path):
    """On its subject, the sentence must also hold something for the question's other words."""
    sentence = "Armenia is an impoverished country of three million people."
    asked = "How many citizens does Armenia have?"  # "citizens" ~ "people"
    unasked = "What is the currency of Armenia?"  # nothing there is near "currency"
    by_cosine = _meaningful(write, tmp_path, sentence, min_meaning=0.25, alignment_weight=0.0)
    assert by_cosine.ask(asked).best is not None
    assert by_cosine.ask(unasked).best is not None  # a cosine alone cannot tell them apart
    options = {"min_meaning": 1.0, "meaning_coverage_weight": 0.0, "alignment_weight": 1.0}
    aligned = _meaningful(write, tmp_path, sentence, **options)
    best = aligned.ask(asked).best
    assert best is not None
    assert best.text == sentence
    assert aligned.ask(unasked).best is None


def test_vectors_must_fit_the_knowledge(write, tmp_path):
    answerer = _meaningful(write, tmp_path)
    other = _note(write, tmp_path, "One more sentence here.", "And another one.")
    with pytest.raises(ValueError, match="do not fit"):
        Answerer(other, meaning=answerer.meaning)


def test_an_answer_carries_its_probability_and_what_it_was_worked_out_from(briefing):
    answer = briefing.ask("when is Kalbajar handed over?")
    assert answer.signals is not None
    assert answer.signals.coverage == 1.0
    assert answer.confidence == pytest.approx(
        briefing.options.words_calibration.probability(answer.signals), abs=1e-4
    )
    assert answer.doubtful is (answer.confidence < briefing.options.sure_confidence)


def test_below_the_confidence_floor_there_is_no_quote_only_the_nearest_sections(briefing):
    question = "when is Kalbajar handed over?"
    sure = briefing.ask(question).confidence
    assert sure is not None
    strict = copy.copy(briefing)
    floor = min(1.0, sure + 1e-3)  # the briefing fixture answers by words alone
    strict.options = briefing.options.model_copy(update={"words_min_confidence": floor})
    refused = strict.ask(question)
    assert refused.best is None
    assert refused.confidence is None
    assert refused.nearest  # where the briefing comes closest
    assert len({(m.file, m.section) for m in refused.nearest}) == len(refused.nearest)
    doubtful = copy.copy(briefing)
    doubtful.options = briefing.options.model_copy(update={"sure_confidence": 1.0})
    assert doubtful.ask(question).doubtful


def test_the_nearest_sections_start_at_the_first_sentence_of_each(briefing):
    refused = briefing.ask("How many tanks did Armenia lose?")
    assert refused.best is None
    entries = briefing.index.entries
    for match in refused.nearest:
        entry = entries.find(match.file, match.position)
        assert entry is not None
        earlier = entries.find(match.file, match.position - 1)
        assert earlier is None or earlier.paragraph.section != entry.paragraph.section


def test_a_dated_sentence_naming_a_weekday_carries_the_bot_s_reading(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "talks.md").write_text(
        "---\ntitle: Talks\npublished: 2026-03-10\n---\n\n# Talks\n\n"
        "Talks resumed in Vienna on Thursday after a two-week pause.\n",
        encoding="utf-8",
    )
    best = Answerer(load_knowledge(kb, max_bytes=10**6)).ask("When did the talks resume?").best
    assert best is not None
    assert best.text == "Talks resumed in Vienna on Thursday after a two-week pause."
    assert best.reading == "Thursday: 5 Mar 2026, going by the briefing of 10 Mar 2026"

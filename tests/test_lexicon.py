from bot.core.lexicon import OPPOSITES, kin, opposed, polar


def test_a_word_is_opposed_only_by_a_text_without_its_own_side():
    assert opposed("finished", {"work", "began", "on", "saturday"})
    assert opposed("Rose", {"prices", "fell"})  # case aside
    assert not opposed("finished", {"work", "began", "and", "finished"})
    assert not opposed("finished", {"work", "on", "saturday"})  # nothing said either way
    assert not opposed("harbour", {"began"})  # a word without an opposite


def test_words_of_one_side_are_kin():
    assert kin("open", {"moved", "the", "start", "of", "summit"})
    assert kin("Open", {"open"})
    assert not kin("open", {"the", "closing", "declaration"})
    assert not kin("harbour", {"port"})


def test_no_word_is_on_both_sides():
    for one, other in OPPOSITES:
        assert not one & other
    words = [w for pair in OPPOSITES for side in pair for w in side]
    assert len(words) == len(set(words))


def test_a_yes_or_no_question_opens_with_a_verb():
    assert polar(["Has", "the", "strike", "ended"])
    assert polar(["is", "the", "war", "over"])
    assert not polar(["When", "did", "the", "strike", "end"])
    assert not polar([])

from bot.core.lexicon import OPPOSITES, contradicted, held, kin, opposed, polar, words


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


def test_no_word_is_on_both_sides_of_a_pair():
    for one, other in OPPOSITES:
        assert not one & other


def test_a_word_of_several_pairs_is_opposed_by_each():
    assert opposed("lose", {"they", "won"})
    assert opposed("lose", {"they", "kept", "it"})
    assert not opposed("lose", {"they", "won", "and", "lost"})
    assert opposed("keep", {"despite", "losing", "shusha"})


def test_a_denial_is_kin_in_a_yes_or_no_question():
    held = {"despite", "losing", "shusha"}
    assert not kin("keep", held)
    assert kin("keep", held, denied=True)
    assert kin("hold", held, denied=True)  # "does Armenia still hold Shusha?"
    assert not kin("harbour", {"port"}, denied=True)


def test_a_yes_or_no_question_opens_with_a_verb():
    assert polar(["Has", "the", "strike", "ended"])
    assert polar(["is", "the", "war", "over"])
    assert not polar(["When", "did", "the", "strike", "end"])
    assert not polar([])


def test_words_and_the_words_held():
    assert words("Has the sea-wall work ended?") == ["Has", "the", "sea", "wall", "work", "ended"]
    assert held("Work BEGAN on Saturday.") == {"work", "began", "on", "saturday"}


def test_contradicted_marks_words_whose_opposite_alone_is_held():
    question = words("When will the work be finished?")
    found = held("Work on the sea wall began on Saturday.")
    assert contradicted(["work", "finished"], question, found) == [False, True]
    assert contradicted(["finished"], question, held("It began and finished.")) == [False]
    # a yes-or-no question is answered by the opposite
    polar_question = words("Has the work finished?")
    assert contradicted(["finished"], polar_question, found) == [False]

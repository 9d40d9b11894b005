"""Two replicas behind a round-robin proxy: a burst, a SIGKILL and a PostgreSQL restart.

The real ``python -m bot run`` twice in webhook mode on one PostgreSQL store (see
``testkit.replicas``). Replica A is killed at a moment it holds leased, unanswered updates
(the scenario asserts it did), then started again; the server is restarted halfway through.
``python -m benchmarks.replicas`` runs the same at 600 questions from 60 chats. Knowledge is
the store's: an upload to A reaches B, which started on an empty knowledge directory.
"""

from __future__ import annotations

from testkit.replicas import Replicas


def test_a_burst_through_a_kill_and_a_server_restart_loses_nothing_answers_once(
    postgres_server, knowledge_copy, tmp_path
):
    with Replicas(postgres_server, knowledge_copy, tmp_path, lease_s=2.0) as replicas:
        replicas.start("a")
        replicas.start("b")
        figures = replicas.burst(chats=12, per_chat=5)
    assert figures.killed_holding > 0  # the kill left updates only A had
    assert figures.lost == 0
    assert figures.duplicated == 0
    assert figures.answered == figures.questions == 60
    # One pace for both replicas: 30 a second, one more in a sliding second when the way to
    # the Bot API brings two sends together (two replicas each on its own pace would send 60).
    assert figures.most_sends_in_a_second <= 31


def test_an_upload_to_one_replica_is_answered_from_by_the_other_within_two_seconds(
    postgres_server, knowledge_copy, tmp_path
):
    with Replicas(postgres_server, knowledge_copy, tmp_path) as replicas:
        replicas.start("a")
        replicas.start("b")  # an empty knowledge directory: it takes the store's
        answer = replicas._post_and_wait(
            "b", replicas._direct.message("when is Kalbajar handed over?", user=20_000), 10
        )
        assert "November 25" in answer.params["text"]
        run = replicas.propagate(
            "ferry.md",
            b"---\ntitle: Ferry timetable\n---\n\nThe ferry to Baku leaves at noon on Fridays.\n",
            "when does the ferry to Baku leave?",
            "noon on Fridays",
        )
    assert run.answered_by_b < 2.0

"""The document state machine: the only moves a submission to Amazon can make."""

from __future__ import annotations

import pytest

from acorn.domain.documents import (
    DELIVERABLE,
    FINAL,
    MANUAL,
    TRANSITIONS,
    DocumentState,
    IllegalTransition,
    check_transition,
    is_final,
)

S = DocumentState


def test_final_documents_never_move_again() -> None:
    for final in FINAL:
        assert TRANSITIONS[final] == frozenset()
        for other in S:
            with pytest.raises(IllegalTransition):
                check_transition("k", final, other)
            with pytest.raises(IllegalTransition):
                check_transition("k", final, other, manual=True)


def test_every_open_state_has_a_way_to_a_final_one() -> None:
    for start in set(S) - FINAL:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()] - seen:
                seen.add(nxt)
                frontier.append(nxt)
        assert seen & FINAL or start in MANUAL, start


@pytest.mark.parametrize(("current", "wanted"), [
    pytest.param(S.PENDING, S.ACCEPTED, id="never-sent-cannot-be-accepted"),
    pytest.param(S.UNKNOWN, S.FAILED, id="a-lost-answer-is-never-a-rejection"),
    pytest.param(S.UNKNOWN, S.SENDING, id="a-lost-answer-is-read-back-before-any-repost"),
    pytest.param(S.SUBMITTED, S.PENDING, id="a-submitted-document-is-never-posted-again"),
    pytest.param(S.NEEDS_REVIEW, S.PENDING, id="review-waits-for-a-person"),
])
def test_moves_that_would_lose_or_double_a_document_are_refused(current: S, wanted: S) -> None:
    with pytest.raises(IllegalTransition) as err:
        check_transition("asn:X:r0", current, wanted)
    assert "asn:X:r0" in str(err.value) and current.value in str(err.value)


def test_people_close_open_documents_but_never_one_being_sent() -> None:
    for state in MANUAL:
        check_transition("k", state, S.ACCEPTED, manual=True)
        check_transition("k", state, S.FAILED, manual=True)
    with pytest.raises(IllegalTransition):
        check_transition("k", S.SENDING, S.ACCEPTED, manual=True)
    with pytest.raises(IllegalTransition):
        check_transition("k", S.STUCK, S.SUBMITTED, manual=True)


def test_deliverable_states_exclude_review_and_final_ones() -> None:
    assert S.NEEDS_REVIEW not in DELIVERABLE and not DELIVERABLE & FINAL
    assert is_final("accepted") and not is_final("stuck")

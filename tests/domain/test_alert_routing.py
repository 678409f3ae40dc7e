"""Each alert is notified once: its events, its topic, and the ASN watch's verdicts."""

from datetime import UTC, datetime, timedelta

from acorn.domain.alerts import ASN_AT_RISK_BEFORE, Topic, asn_watch_verdict, event_id, event_names, topic_of

DEADLINE = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)


def test_every_alert_is_an_acorn_alert_event_and_topic_alerts_also_their_topic_event() -> None:
    assert event_names("shortage") == ["acorn.alert.shortage"]
    assert event_names("asn_late") == ["acorn.alert.asn_late", "acorn.asn.late"]
    assert event_names("shipment_confirmation_failed")[1] == "acorn.asn.rejected"
    assert event_names("invoice_failed")[1] == "acorn.invoice.rejected"
    assert event_names("outbox_stuck")[1] == "acorn.transaction.stuck"


def test_topic_alerts_are_left_to_their_own_automation() -> None:
    assert topic_of("asn_at_risk") is Topic.ASN
    assert topic_of("invoice_failed") is Topic.INVOICE
    assert topic_of("asn_gate_failed") is Topic.GENERAL


def test_the_same_alert_announced_twice_has_one_event_id_and_a_reopened_one_a_new_id() -> None:
    raised = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    first = event_id("acorn.asn.late", "asn-late:S1", raised)
    assert first == event_id("acorn.asn.late", "asn-late:S1", raised)
    assert first != event_id("acorn.asn.late", "asn-late:S1", raised + timedelta(hours=1))
    assert first != event_id("acorn.alert.asn_late", "asn-late:S1", raised)


def test_an_asn_not_accepted_is_at_risk_in_its_last_minutes_and_late_after_the_deadline() -> None:
    def verdict(now: datetime, **kw: bool) -> str | None:
        return asn_watch_verdict(now=now, deadline=DEADLINE, **{"accepted": False, "sent_or_waiting": True, **kw})

    assert verdict(DEADLINE - ASN_AT_RISK_BEFORE - timedelta(seconds=1)) is None
    assert verdict(DEADLINE - ASN_AT_RISK_BEFORE) == "at-risk"
    assert verdict(DEADLINE) == "at-risk"  # an ASN sent at the deadline itself is on time
    assert verdict(DEADLINE + timedelta(seconds=1)) == "late"
    assert verdict(DEADLINE + timedelta(days=1), accepted=True) is None


def test_a_rejected_or_held_asn_is_not_at_risk_but_still_late() -> None:
    assert asn_watch_verdict(now=DEADLINE - timedelta(minutes=5), deadline=DEADLINE, accepted=False,
                             sent_or_waiting=False) is None
    assert asn_watch_verdict(now=DEADLINE + timedelta(minutes=1), deadline=DEADLINE, accepted=False,
                             sent_or_waiting=False) == "late"

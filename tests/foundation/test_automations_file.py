"""deployments/automations.yaml: valid for Prefect as shipped, and each problem routed to exactly one automation."""

from __future__ import annotations

from uuid import uuid4

import yaml

from acorn.automations import AUTOMATIONS_FILE, NOTIFY, load
from acorn.domain.alerts import TOPIC_EVENTS, Topic


def test_every_automation_validates_with_the_block_the_command_resolves() -> None:
    block = uuid4()
    automations = load(block_id=block)
    names = [a.name for a in automations]
    assert len(names) == len(set(names)) and all(n.startswith("acorn-") for n in names)
    assert all(action.block_document_id == block for a in automations for action in a.actions)
    raw = yaml.safe_load(AUTOMATIONS_FILE.read_text())["automations"]
    assert all(action["block_document_id"] == NOTIFY for a in raw for action in a["actions"])


def test_each_topic_event_is_expected_by_exactly_one_automation_and_the_error_alerts_skip_topics() -> None:
    automations = load(block_id=uuid4())
    for topic_event in TOPIC_EVENTS.values():
        takers = [a.name for a in automations if topic_event.event in a.trigger.expect]
        assert len(takers) == 1, (topic_event.event, takers)
    catch_all = [a for a in automations if "acorn.alert.*" in a.trigger.expect]
    assert len(catch_all) == 1
    match = catch_all[0].trigger.match.root
    assert match == {"acorn.severity": "error", "acorn.topic": str(Topic.GENERAL)}, match

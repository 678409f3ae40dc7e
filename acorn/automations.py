"""Ops' notifications as Prefect automations: kept in ``deployments/automations.yaml``, applied idempotently.

``apply`` resolves where notifications go (an existing notification block, or a webhook URL
for which it keeps one custom-webhook block, ``acorn-ops-webhook``), then creates each
automation or updates the one of the same name in place, so applying twice leaves one of
each. Nothing here is hand-edited on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import yaml

AUTOMATIONS_FILE = Path(__file__).resolve().parents[1] / "deployments" / "automations.yaml"
WEBHOOK_BLOCK = "acorn-ops-webhook"
NOTIFY = "NOTIFY"


class AutomationError(ValueError):
    """The automations file or the notification target is wrong; the message says which and how."""


@dataclass(frozen=True)
class Applied:
    name: str
    action: str  # "created" or "updated"
    automation_id: UUID


def load(path: Path = AUTOMATIONS_FILE, *, block_id: UUID) -> list[Any]:
    """The automations in ``path``, their notifications sent through ``block_id``; names the bad entry."""
    from prefect.events.schemas.automations import AutomationCore
    from pydantic import ValidationError

    try:
        entries = (yaml.safe_load(path.read_text()) or {}).get("automations", [])
    except (OSError, yaml.YAMLError) as exc:
        raise AutomationError(f"{path}: cannot read the automations: {exc}") from None
    automations = []
    for index, entry in enumerate(entries):
        for action in entry.get("actions", []):
            if action.get("block_document_id") == NOTIFY:
                action["block_document_id"] = str(block_id)
        try:
            automations.append(AutomationCore.model_validate(entry))
        except ValidationError as exc:
            raise AutomationError(f"{path}: automations[{index}] ({entry.get('name')}): {exc}") from None
    return automations


def apply(notify: str, path: Path = AUTOMATIONS_FILE) -> list[Applied]:
    """Create or update every automation in ``path``, notifying ``notify`` (webhook URL or block type/name)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        block_id = notification_block(client, notify)
        applied = []
        for automation in load(path, block_id=block_id):
            existing = client.read_automations_by_name(automation.name)
            if existing:
                client.update_automation(existing[0].id, automation)
                for extra in existing[1:]:  # left by an older, non-idempotent apply
                    client.delete_automation(extra.id)
                applied.append(Applied(automation.name, "updated", existing[0].id))
            else:
                applied.append(Applied(automation.name, "created", client.create_automation(automation)))
    return applied


def notification_block(client: Any, notify: str) -> UUID:
    """The block document notifications go through: a webhook URL gets Acorn's own custom-webhook block."""
    if urlsplit(notify).scheme in ("http", "https"):
        return _webhook_block(notify)
    slug, _, name = notify.partition("/")
    if not name:
        raise AutomationError(f"--notify {notify!r}: give a webhook URL (https://...) or a notification block as "
                              "TYPE/NAME, e.g. slack-webhook/ops (`prefect block ls` lists them)")
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_block_document_by_name(name=name, block_type_slug=slug).id
    except ObjectNotFound:
        raise AutomationError(f"--notify {notify!r}: no {slug} block named {name!r} on the Prefect server; "
                              f"create it in the UI (Blocks) or with `prefect block create {slug}`") from None


def _webhook_block(url: str) -> UUID:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    # the whole URL is a secret (Slack and Teams put their token in it): stored masked, filled in when sending
    block = CustomWebhookNotificationBlock(
        name="Acorn ops", url="{{webhook_url}}", method="POST", secrets={"webhook_url": url},
        json_data={"subject": "{{subject}}", "body": "{{body}}", "source": "acorn"})
    return block.save(WEBHOOK_BLOCK, overwrite=True)

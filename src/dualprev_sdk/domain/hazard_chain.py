"""The tamper-evident hazard log: every event carries the previous event's hash.

Why a hash chain: the seed asks for full records of every hazard (全过程记录), and a record an administrator can
quietly edit is not a record. Each stored event's hash is SHA-256 over a canonical JSON document holding the
hazard id, the sequence number, the event type, the event's payload and the previous event's hash. So:

- an **edited** event no longer matches its own hash;
- a **deleted** event leaves a gap in the sequence (or, if it was the last one, a head that no longer matches
  the hazard's stored version and head hash);
- an **inserted** event breaks the sequence or the link from its successor;
- **reordered** events fail their hashes, because the sequence number is inside what is hashed.

Someone who rewrites a whole chain *and* the hazard's head can only be caught by a copy of the head kept
elsewhere; that is why every outbox event carries the event hash (the regulator's data centre holds copies).

Pure functions only: the store feeds rows in, the domain says where the chain breaks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from dualprev_sdk.domain.hazard import HazardEvent

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "ChainHead",
    "ChainRecord",
    "ChainReport",
    "canonical_json",
    "chain_events",
    "event_hash",
    "event_payload",
    "verify_chain",
]

#: The "previous hash" of a hazard's first event.
GENESIS_HASH = "0" * 64

_ENVELOPE = frozenset({"hazard_id", "sequence"})


def _plain(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with one spelling per type (so the same event always hashes the same)."""
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def event_payload(event: HazardEvent) -> dict[str, Any]:
    """The event's own fields as plain JSON data, without the envelope (hazard id, sequence) the log keeps in
    columns of their own."""
    data = _plain(event)
    assert isinstance(data, dict)
    return {k: v for k, v in data.items() if k not in _ENVELOPE}


def canonical_json(document: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text as is: one byte string per document."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(*, hazard_id: str, sequence: int, event_type: str, payload: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) over the canonical JSON of the whole stored event, including its place in the chain."""
    document = {
        "hazard_id": hazard_id,
        "sequence": sequence,
        "type": event_type,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class ChainRecord:
    """One stored event as the log keeps it: envelope, type, payload (plain JSON) and the two hashes."""

    hazard_id: str
    sequence: int
    event_type: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def recomputed_hash(self) -> str:
        return event_hash(
            hazard_id=self.hazard_id,
            sequence=self.sequence,
            event_type=self.event_type,
            payload=self.payload,
            prev_hash=self.prev_hash,
        )


@attrs.frozen(kw_only=True)
class ChainHead:
    """What the hazard row says the chain ends with (its version and the last event's hash)."""

    hazard_id: str
    version: int
    head_hash: str


def chain_events(events: Iterable[HazardEvent], prev_hash: str = GENESIS_HASH) -> list[ChainRecord]:
    """Records for ``events`` appended after ``prev_hash`` (the current head of the hazard's chain)."""
    records: list[ChainRecord] = []
    for event in events:
        payload = event_payload(event)
        digest = event_hash(
            hazard_id=event.hazard_id,
            sequence=event.sequence,
            event_type=event.type_name,
            payload=payload,
            prev_hash=prev_hash,
        )
        records.append(
            ChainRecord(
                hazard_id=event.hazard_id,
                sequence=event.sequence,
                event_type=event.type_name,
                payload=payload,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    return records


@attrs.frozen(kw_only=True)
class ChainBreak:
    """Where and how a chain is broken.

    ``problem`` is one of ``hash_mismatch`` (the event's content was edited), ``link_mismatch`` (its
    ``prev_hash`` does not name its predecessor: an insertion, deletion or reordering), ``sequence_gap``
    (numbers missing or repeated), ``head_mismatch`` (the hazard row's version/head hash disagrees with the last
    event: the last event was deleted or one was appended behind the SDK's back).
    """

    hazard_id: str
    sequence: int
    problem: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return (
            f"hazard {self.hazard_id!r} event #{self.sequence}: {self.problem} "
            f"(expected {self.expected}, actual {self.actual})"
        )


@attrs.frozen(kw_only=True)
class ChainReport:
    hazards_checked: int
    events_checked: int
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_chain(records: Iterable[ChainRecord], heads: Iterable[ChainHead] = ()) -> ChainReport:
    """Check every hazard's chain; ``records`` may mix hazards but must be ordered by (hazard, stored order).

    Reports every break, not only the first, so an auditor sees the full extent of the damage.
    """
    by_hazard: dict[str, list[ChainRecord]] = {}
    for record in records:
        by_hazard.setdefault(record.hazard_id, []).append(record)
    head_by_id = {h.hazard_id: h for h in heads}
    breaks: list[ChainBreak] = []
    events = 0
    for hazard_id in sorted(set(by_hazard) | set(head_by_id)):
        chain = sorted(by_hazard.get(hazard_id, []), key=lambda r: r.sequence)
        events += len(chain)
        breaks.extend(_verify_one(hazard_id, chain, head_by_id.get(hazard_id)))
    checked = len(set(by_hazard) | set(head_by_id))
    return ChainReport(hazards_checked=checked, events_checked=events, breaks=tuple(breaks))


def _verify_one(hazard_id: str, chain: list[ChainRecord], head: ChainHead | None) -> list[ChainBreak]:
    breaks: list[ChainBreak] = []
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    for record in chain:
        if record.sequence != expected_sequence:
            breaks.append(
                ChainBreak(
                    hazard_id=hazard_id,
                    sequence=record.sequence,
                    problem="sequence_gap",
                    expected=str(expected_sequence),
                    actual=str(record.sequence),
                )
            )
        recomputed = record.recomputed_hash()
        if recomputed != record.hash:
            breaks.append(
                ChainBreak(
                    hazard_id=hazard_id,
                    sequence=record.sequence,
                    problem="hash_mismatch",
                    expected=recomputed,
                    actual=record.hash,
                )
            )
        if record.prev_hash != prev_hash:
            breaks.append(
                ChainBreak(
                    hazard_id=hazard_id,
                    sequence=record.sequence,
                    problem="link_mismatch",
                    expected=prev_hash,
                    actual=record.prev_hash,
                )
            )
        prev_hash = record.hash
        expected_sequence = record.sequence + 1
    if head is not None:
        last_sequence = chain[-1].sequence if chain else 0
        last_hash = chain[-1].hash if chain else GENESIS_HASH
        if head.version != last_sequence or head.head_hash != last_hash:
            breaks.append(
                ChainBreak(
                    hazard_id=hazard_id,
                    sequence=last_sequence,
                    problem="head_mismatch",
                    expected=f"version {head.version}, hash {head.head_hash}",
                    actual=f"version {last_sequence}, hash {last_hash}",
                )
            )
    return breaks

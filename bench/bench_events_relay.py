"""Benchmark: the outbox relayed to NATS JetStream by ``dualprev events relay``, against a plain publisher.

* **baseline** — the simplest correct JetStream publisher: for each event, ``await js.publish(...)`` with the
  same subject, body and ``Nats-Msg-Id`` header, waiting for its PubAck before the next one. No database work.
* **sdk** — ``Relay(sdk.uow, "nats-jetstream", NatsJetStreamConnector(...), batch=500).drain()`` on a SQLite
  file: each batch read from the outbox after the stored cursor, published pipelined, all PubAcks awaited, the
  cursor moved by compare-and-swap.

Both publish the same 20,000 events (``DUALPREV_BENCH_ROWS`` overrides) to their own fresh stream on the
server at ``$NATS_URL`` (default nats://127.0.0.1:4222); the streams are deleted afterwards. Target: the relay,
database work included, is at least as fast as the baseline (ratio ≤ 1.0). Needs ``dualprev-gateway[nats]``
and a running nats-server with JetStream; without them the benchmark fails saying so.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import harness

BATCH = 500


def run() -> dict[str, Any]:
    import nats
    from dualprev_gateway.connectors.nats_jetstream import NatsJetStreamConnector, event_message

    from dualprev_sdk.events import Relay
    from dualprev_sdk.plugins import PluginHost
    from dualprev_sdk.services.bootstrap import Dualprev

    url = os.environ.get("NATS_URL") or "nats://127.0.0.1:4222"
    count = int(os.environ.get("DUALPREV_BENCH_ROWS", "20000"))
    token = uuid.uuid4().hex[:10]
    baseline_stream, baseline_prefix = f"BENCH_BASE_{token}", f"bench_base_{token}.events"
    relay_stream, relay_prefix = f"BENCH_RELAY_{token}", f"bench_relay_{token}.events"

    with tempfile.TemporaryDirectory() as tmp:
        sdk = Dualprev.open(f"sqlite:///{Path(tmp) / 'events.sqlite'}", host=PluginHost(entry_points=False))
        with sdk.uow() as uow:
            for n in range(count):
                uow.emit("unit.created", f"units/{n}", {"number": n, "name": f"公司{n}", "region_code": "410102"})
            uow.commit()
        events = sdk.read_events(after=0, limit=count)

        async def baseline() -> tuple[float, float]:
            nc = await nats.connect(url)
            try:
                js = nc.jetstream()
                await js.add_stream(name=baseline_stream, subjects=[f"{baseline_prefix}.>"], duplicate_window=600)
                started, cpu = time.perf_counter(), time.process_time()
                for event in events:
                    subject, body, headers = event_message(event, baseline_prefix)
                    await js.publish(subject, body, headers=headers, stream=baseline_stream)
                return time.perf_counter() - started, time.process_time() - cpu
            finally:
                await nc.close()

        async def cleanup() -> list[int]:
            nc = await nats.connect(url)
            try:
                js = nc.jetstream()
                stored = [int((await js.stream_info(name)).state.messages) for name in (baseline_stream, relay_stream)]
                for name in (baseline_stream, relay_stream):
                    await js.delete_stream(name)
                return stored
            finally:
                await nc.close()

        baseline_seconds, baseline_cpu = asyncio.run(baseline())
        connector = NatsJetStreamConnector(url=url, stream=relay_stream, subject_prefix=relay_prefix)
        try:
            connector.deliver(events[:1])  # connect and create the stream outside the timing (redelivered below)
            relay = Relay(sdk.uow, "nats-jetstream", connector, batch=BATCH)
            started, cpu = time.perf_counter(), time.process_time()
            delivered = relay.drain()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            connector.close()
            sdk.close()
        stored = asyncio.run(cleanup())

    ratio = seconds / baseline_seconds
    return {
        "name": "events_relay",
        "seconds": round(seconds, 3),
        "baseline_seconds": round(baseline_seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "baseline_cpu_seconds": round(baseline_cpu, 3),
        "ratio": round(ratio, 3),
        "rows_per_s": round(delivered / seconds),
        "baseline_rows_per_s": round(count / baseline_seconds),
        "events": count,
        "batch": BATCH,
        "stored_messages": {"baseline": stored[0], "relay": stored[1]},
        "peak_rss_mb": round(harness.peak_rss_mb(), 1),
        "target": "relay (outbox read + pipelined publish + cursor CAS) ≤ 1.0× the publish-and-wait baseline",
        "passed": ratio <= 1.0 and delivered == count and stored == [count, count],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))

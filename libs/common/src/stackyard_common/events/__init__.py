"""Events: a transactional outbox, a relay to RabbitMQ, and idempotent consumers.

```
service code        publish(session, Envelope(...))   -> outbox row, same transaction
worker: Relay       outbox --confirm+mandatory--> <exchange> (topic, key = event type)
worker: consumers   <exchange>.<service>.<consumer> --> inbox row + handler, one transaction
                    failure: <queue>.retry.<ms> (backoff) ... then <exchange>.<service>.dead
operator            python -m stackyard_common.events.deadletters list|replay <service>
```
Delivery is at least once end to end and exactly once in effect: a consumer's handler
commits at most once per event id. Dead letters are handled by
`stackyard_common.events.deadletters` (kept out of this namespace so that it runs
cleanly with `python -m`).
"""

from stackyard_common.events.consumers import Consumer, Handler, consumer
from stackyard_common.events.consuming import ConsumerRunner
from stackyard_common.events.envelope import Envelope, attached_trace, current_trace_context
from stackyard_common.events.outbox import publish, publish_many, purge_handled, purge_sent
from stackyard_common.events.relay import Relay, RelayStats
from stackyard_common.events.tables import event_tables, inbox, outbox

__all__ = [
    "Consumer",
    "ConsumerRunner",
    "Envelope",
    "Handler",
    "Relay",
    "RelayStats",
    "attached_trace",
    "consumer",
    "current_trace_context",
    "event_tables",
    "inbox",
    "outbox",
    "publish",
    "publish_many",
    "purge_handled",
    "purge_sent",
]

"""Order processors: per offering type, how an order is checked and handed to the
service that owns the resource.

The hand-over is an event, published in the transaction that makes the order
`executing`; the owning service does the work and answers with events that marketplace
follows to the end (`processors.completion`):

    marketplace                                owning service (identity for tenants)
    <kind>.create_requested.v1      ──────▶    makes its record, starts its saga
    <kind>.update_requested.v1      ──────▶    changes limits (quotas)
    <kind>.terminate_requested.v1   ──────▶    tears down
                                    ◀──────    <kind>.state_changed.v1  (OK / ERRED, order uuid)
                                    ◀──────    <kind>.deleted.v1        (after a teardown)

Request payloads: `order_uuid`, `resource_uuid` (marketplace's), `offering_uuid`,
`cloud_connection_uuid` (the offering's scope), `customer_uuid`, `project_uuid`, `name`,
`description`, `limits`, `attributes`, `plugin_options`, `actor_uuid`, `actor_username`,
and for update and terminate the owning service's uuid (`tenant_uuid`). Answers carry
`order_uuid` (null for changes nobody ordered), `marketplace_resource_uuid`, the owning
service's uuid, `state`, `backend_id`, `error_message`, and `order_result` (`done` or
`erred`, with `order_error` for a refusal) in the answer that ends the order. The same
pattern serves instances (compute) and volumes (storage) once those services consume
their requests.
"""

from stackyard_marketplace.processors.base import Processor, processor_for

__all__ = ["Processor", "processor_for"]

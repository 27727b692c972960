"""The network service's internal API, for compute's instance saga: on network's own
port, never routed by the gateway, service tokens only (`ServiceCaller`). Every call is
synchronous (the cloud work is done before it answers) and idempotent.

    POST   /internal/ports/                          201 new, 200 when `uuid` exists already
        {"uuid": <caller's uuid>, "tenant_uuid", "subnet_uuid" | "network_uuid" | neither
         (the tenant's internal subnet), "fixed_ip": str | null,
         "security_group_uuids": [...] | null (the tenant's `default`), "name", "description"}
        -> {"uuid", "backend_id", "network_backend_id", "subnet_backend_id",
            "fixed_ips": [{"ip_address", "subnet_id"}], "mac_address", "state"}
        A port tagged with `uuid` in the cloud is reused (a retry never makes two).
        400 with the field: `fixed_ip` outside the subnet or taken, unknown `subnet_uuid`
        or `network_uuid`, `security_group_uuids` of another tenant, `tenant_uuid` not
        ready. 503 when the cloud does not answer.
    DELETE /internal/ports/{uuid}[?tenant_uuid=]     204; deleted in the cloud if there
    POST   /internal/ports/{uuid}/security-groups    200 {"security_group_uuids": [...]}:
        the port's groups replaced (instance `update_security_groups`)
    POST   /internal/floating-ips/                   201 new, 200 existing
        {"uuid", "tenant_uuid", "port_uuid", "floating_ip_uuid": <existing> | null}
        -> {"uuid", "backend_id", "address", "external_address", "port_uuid"}
        Allocated (unless given) from the tenant's external network, by the
        specification's resolution order, and pointed at the port.
    POST   /internal/floating-ips/{uuid}/unassign    200 (same answer)
    DELETE /internal/floating-ips/{uuid}             204; released

Each change is announced like any other (`port.created.v1`, `port.updated.v1`,
`port.deleted.v1`, `floating_ip.created.v1`, ...; see `resources.events`), with the
calling service as the actor.
"""

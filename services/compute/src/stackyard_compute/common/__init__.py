"""What every compute domain shares: the runtime (and where saga steps find it), the
settings, the provisioning slots, the tenants' properties and the source name of compute's
events. What compute shares with the other services (resource records, events, saga steps,
access, references) is in `stackyard_common.resources`."""

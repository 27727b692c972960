"""What every storage domain shares: the runtime (and where saga steps find it), the
settings, how resources are named in the cloud, what snapshots and backups share, the
source name of storage's events and its question to compute. What storage shares with
the other services (resource records, events, saga steps, access, references) is in
`stackyard_common.resources`."""

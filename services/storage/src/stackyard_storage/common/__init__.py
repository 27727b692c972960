"""What every storage domain shares: resource columns and states, events, the runtime,
the cloud-step helpers and the reference parsing."""

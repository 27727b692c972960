"""What every compute domain shares: resource columns and states, events, the runtime,
the settings, the cloud-step helpers, access checks and reference parsing.

These mirror storage's `common` package (and identity's tenant sagas): candidates for one
module in libs/common."""

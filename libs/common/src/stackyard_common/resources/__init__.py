"""What every cloud resource record shares across the services that own them (compute,
storage, ...): the columns and states of the DESIGN's resource shape (`records`), how a
request names another record (`references`), the API shapes of saga progress and staff's
requests (`schemas`), who may see and change a resource (`access`), the events about a
record, each also an audit entry, with who made the change (`events`), what a saga step
starts from and how it treats the cloud's answers (`steps`), the steps and failure hook
that move a record's state (`marks`), and the periodic pulls (`pulls`)."""

"""What every cloud resource record shares across the services that own them (compute,
storage, ...): the columns and states of the DESIGN's resource shape (`records`), how a
request names another record (`references`), the API shapes of saga progress and staff's
requests (`schemas`), and who may see and change a resource (`access`)."""

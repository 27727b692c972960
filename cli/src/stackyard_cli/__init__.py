"""The `stackyard` command line: platform start-up and operator commands."""

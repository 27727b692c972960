"""Stackyard's shared library: what every service uses, in one place.

Modules: `settings`, `topology`, `db`, `api` (errors, pagination), `logging`, `metrics`,
`health`, `app` (the service application factory), `migrations`, `worker`.
"""

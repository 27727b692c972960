"""Settings shared by every Stackyard process, read from `STACKYARD_*` environment variables.

One nested model per concern; nested fields use a double underscore, e.g.
`STACKYARD_DATABASE__HOST`, `STACKYARD_REDIS__URL`, `STACKYARD_AMQP__URL`; a mapping is
a JSON object, e.g. `STACKYARD_SCHEDULE='{"pull-tenant-quotas": 3600}'`. Secrets are
`SecretStr` so that they never show in a repr or a log line. Outside development the
placeholder secrets shipped for local use are refused at start-up.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Self
from urllib.parse import quote

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stackyard_common.periods import clock_fields

__all__ = [
    "AmqpSettings",
    "AuthSettings",
    "DatabaseSettings",
    "Environment",
    "LoggingSettings",
    "PortSettings",
    "RedisSettings",
    "Settings",
    "get_settings",
]

DEV_DATABASE_PASSWORD = "stackyard-dev"  # noqa: S105 - a known placeholder, refused in production


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class DatabaseSettings(BaseModel):
    """PostgreSQL: one database, one schema and one login role per service.

    The bootstrap connects with the admin DSN to create the database, the roles and the
    schemas; each service then connects as its own role `<role_prefix>_<service>`, which
    owns its schema and can use no other.
    """

    host: str = "127.0.0.1"
    port: int = 5432
    name: str = "stackyard"
    role_prefix: str = "stackyard"
    password: SecretStr = SecretStr(DEV_DATABASE_PASSWORD)
    admin_dsn: SecretStr = SecretStr("postgresql://postgres@127.0.0.1:5432/postgres")
    pool_size: int = Field(default=5, description="Connections each process keeps open.")
    max_overflow: int = Field(
        default=10, description="Extra connections a process may open under load."
    )
    connect_timeout: float = 5.0
    ping_after_idle: float = Field(
        default=10.0,
        ge=0,
        description=(
            "Seconds a pooled connection may sit unused before it is checked alive again "
            "on its next use (0: before every use)."
        ),
    )

    def role(self, service: str) -> str:
        """The login role of `service`."""
        return f"{self.role_prefix}_{service}"

    def service_url(self, service: str) -> str:
        """SQLAlchemy async URL with which `service` connects as its own role."""
        password = quote(self.password.get_secret_value(), safe="")
        return (
            f"postgresql+asyncpg://{self.role(service)}:{password}"
            f"@{self.host}:{self.port}/{self.name}"
        )


class RedisSettings(BaseModel):
    """Redis: job queues, shared caches and locks. Every key starts with `key_prefix`."""

    url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    key_prefix: str = "stackyard"

    def key(self, *parts: str) -> str:
        """A namespaced Redis key, e.g. `key("tokens", digest)`."""
        return ":".join((self.key_prefix, *parts))


class AmqpSettings(BaseModel):
    """RabbitMQ: the events exchange and its queues live in the vhost of `url`."""

    url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    exchange: str = "stackyard.events"


class PortSettings(BaseModel):
    """Local ports of the platform: the gateway, the services (in `topology` order from
    `service_base`) and the built-in emulator cloud."""

    host: str = "127.0.0.1"
    gateway: int = 8000
    service_base: int = 8101
    emulator: int = 5000
    service_host: str = Field(
        default="",
        description="Host of each service, `{name}` standing for the service's name "
        "(e.g. `{name}` in docker compose); empty means `host`.",
    )

    def service(self, name: str) -> int:
        """The port on which service `name` listens."""
        from stackyard_common.topology import SERVICES

        names = [spec.name for spec in SERVICES]
        return self.service_base + names.index(name)

    def service_address(self, name: str) -> str:
        """`host:port` where service `name` listens, as other processes reach it."""
        host = self.service_host.format(name=name) if self.service_host else self.host
        return f"{host}:{self.service(name)}"

    def service_url(self, name: str) -> str:
        """Base URL of service `name`'s own HTTP API (inside the platform)."""
        return f"http://{self.service_address(name)}"


class LoggingSettings(BaseModel):
    level: str = "INFO"
    json_output: bool | None = Field(
        default=None, description="JSON lines; defaults to on outside development."
    )


class AuthSettings(BaseModel):
    """Tokens, secret encryption and service-to-service calls (`STACKYARD_AUTH__*`).

    Outside production any key left unset is made for the platform: identity generates
    and keeps its signing and encryption keys in its own schema, and the service secret is
    derived from the database password and name, which every process of a platform shares.
    In production every process refuses to start without the service secret, and identity
    without its signing and encryption keys.
    """

    signing_key: SecretStr | None = Field(
        default=None, description="PEM private key (Ed25519 or RSA) identity signs tokens with."
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="Fernet keys, comma-separated, newest first (older ones only decrypt).",
    )
    service_secret: SecretStr | None = Field(
        default=None, description="Shared secret signing service-to-service tokens."
    )
    issuer: str = "stackyard"
    token_lifetime: int = Field(default=12 * 3600, ge=60, description="Seconds.")
    jwks_url: str | None = Field(
        default=None, description="Defaults to identity's internal /api/identity/jwks/."
    )
    jwks_cache_seconds: int = Field(default=300, ge=1)
    login_max_failures: int = Field(default=5, ge=1, description="Per username, then 429.")
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_backoff_base: float = Field(default=2.0, gt=0, description="Seconds; doubles.")
    login_backoff_cap: float = Field(default=900.0, gt=0, description="Seconds.")
    login_failure_window: int = Field(default=900, ge=1, description="Seconds a failure counts.")


class Settings(BaseSettings):
    """All settings of a Stackyard process."""

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_", env_nested_delimiter="__", extra="ignore"
    )

    environment: Environment = Environment.DEVELOPMENT
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    amqp: AmqpSettings = AmqpSettings()
    logging: LoggingSettings = LoggingSettings()
    ports: PortSettings = PortSettings()
    auth: AuthSettings = AuthSettings()
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Where users reach the gateway."
    )
    gateway_listen: str = Field(
        default="", description="Address the gateway binds (default: the ports' host)."
    )
    readiness_timeout: float = Field(default=2.0, description="Seconds per readiness check.")
    schedule: dict[str, int] = Field(
        default_factory=dict,
        description="Periods of periodic jobs, in seconds, by job name (e.g. "
        '`{"pull-tenant-quotas": 3600}`); each must divide a minute, an hour or a day.',
    )

    @field_validator("schedule")
    @classmethod
    def _aligned_periods(cls, schedule: dict[str, int]) -> dict[str, int]:
        # Refused here, so that no process starts with a schedule a worker would refuse.
        for name, seconds in schedule.items():
            try:
                clock_fields(timedelta(seconds=seconds))
            except ValueError as error:
                raise ValueError(f"STACKYARD_SCHEDULE: periodic job {name!r}: {error}") from None
        return schedule

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Self:
        placeholder = self.database.password.get_secret_value() == DEV_DATABASE_PASSWORD
        if self.environment is Environment.PRODUCTION and placeholder:
            raise ValueError(
                "STACKYARD_DATABASE__PASSWORD is the development placeholder; "
                "set a real secret in production"
            )
        return self

    @model_validator(mode="after")
    def _require_service_secret_in_production(self) -> Self:
        # Identity checks its own keys (signing, encryption) when it starts.
        if self.environment is Environment.PRODUCTION and self.auth.service_secret is None:
            raise ValueError("set STACKYARD_AUTH__SERVICE_SECRET in production")
        return self

    @property
    def json_logs(self) -> bool:
        """Whether logs are JSON lines (the production default) or human-readable."""
        if self.logging.json_output is not None:
            return self.logging.json_output
        return self.environment is not Environment.DEVELOPMENT


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()

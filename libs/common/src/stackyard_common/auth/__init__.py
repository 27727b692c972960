"""Authentication and authorisation, the same in every service.

```
identity                    signs user tokens (JWT, EdDSA or RS256), publishes the JWKS,
                            publishes role events, serves cloud credentials internally
every service               CurrentUser / OptionalUser / StaffUser: verify the token locally
                            (JWKS fetched from identity and cached; revocations in Redis)
                            memberships_consumer: keeps its `memberships` projection
                            visible_filter / visible_or_404 / require_role / ensure_staff
service -> service          issue_service_token / ServiceCaller (internal endpoints only)
```
Errors: 401 `NotAuthenticated` (no, bad, expired or revoked token), 403 `PermissionDenied`
(visible but not allowed), 404 `NotFound` (not visible).
"""

from stackyard_common.auth.access import (
    customers_where,
    ensure_staff,
    has_role,
    projects_where,
    require_role,
    roles_held,
    visible_customer_filter,
    visible_filter,
    visible_or_404,
)
from stackyard_common.auth.credentials import (
    CREDENTIALS_PATH,
    CloudCredentials,
    fetch_cloud_credentials,
)
from stackyard_common.auth.dependencies import (
    CurrentUser,
    OptionalUser,
    StaffUser,
    bearer_token,
    install_token_verifier,
    token_verifier,
)
from stackyard_common.auth.jwks import JWKS_PATH, KeySource, LocalKeys, RemoteJwks, jwks_document
from stackyard_common.auth.keys import SigningKey, generate_signing_key_pem
from stackyard_common.auth.memberships import (
    ROLE_EVENT_TYPES,
    ROLE_GRANTED,
    ROLE_REVOKED,
    ROLE_UPDATED,
    apply_role_event,
    membership_table,
    memberships,
    memberships_consumer,
    role_event_payload,
)
from stackyard_common.auth.revocation import is_revoked, revoke_token, revoke_user_tokens
from stackyard_common.auth.roles import CUSTOMER_ROLES, PROJECT_ROLES, Principal, Role, ScopeType
from stackyard_common.auth.service_tokens import (
    ServiceCaller,
    issue_service_token,
    verify_service_token,
)
from stackyard_common.auth.tokens import IssuedToken, TokenVerifier, issue_token

__all__ = [
    "CREDENTIALS_PATH",
    "CUSTOMER_ROLES",
    "JWKS_PATH",
    "PROJECT_ROLES",
    "ROLE_EVENT_TYPES",
    "ROLE_GRANTED",
    "ROLE_REVOKED",
    "ROLE_UPDATED",
    "CloudCredentials",
    "CurrentUser",
    "IssuedToken",
    "KeySource",
    "LocalKeys",
    "OptionalUser",
    "Principal",
    "RemoteJwks",
    "Role",
    "ScopeType",
    "ServiceCaller",
    "SigningKey",
    "StaffUser",
    "TokenVerifier",
    "apply_role_event",
    "bearer_token",
    "customers_where",
    "ensure_staff",
    "fetch_cloud_credentials",
    "generate_signing_key_pem",
    "has_role",
    "install_token_verifier",
    "is_revoked",
    "issue_service_token",
    "issue_token",
    "jwks_document",
    "membership_table",
    "memberships",
    "memberships_consumer",
    "projects_where",
    "require_role",
    "revoke_token",
    "revoke_user_tokens",
    "role_event_payload",
    "roles_held",
    "token_verifier",
    "verify_service_token",
    "visible_customer_filter",
    "visible_filter",
    "visible_or_404",
]

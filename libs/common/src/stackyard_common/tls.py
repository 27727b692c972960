"""TLS contexts shared by every HTTP client of a process.

A context that verifies certificates reads the whole CA bundle when it is built: about
20 ms of CPU. httpx builds one for every `AsyncClient`, whatever its URLs, so a process
that opens a client per tenant or per call spends much of its time there. A context can
be shared by any number of clients: each process builds at most one of each kind.

```python
client = httpx.AsyncClient(verify=client_context(verify_ssl))
```
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx

__all__ = ["client_context"]


@cache
def client_context(verify: bool = True) -> ssl.SSLContext:
    """The process's TLS context for clients that check the server's certificate
    (`verify`), or that do not; built on first use, as httpx would build it."""
    return httpx.create_ssl_context(verify=verify)

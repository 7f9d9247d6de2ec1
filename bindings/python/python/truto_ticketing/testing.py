"""Test your own code offline: ``truto_ticketing.testing.Sandbox`` runs the
Truto-compatible sandbox server in-process, with the same accounts and admin
endpoints (``/_sandbox/reset|faults|users|requests``) every SDK's tests use.

>>> from truto_ticketing import Client
>>> from truto_ticketing.testing import Sandbox
>>> with Sandbox() as sb:
...     client = Client(token=sb.token, base_url=sb.url)
...     user = client.create_user("sandbox-dixa", name="Ada",
...                               emails=[{"email": "ada@example.com"}])
...     assert len(sb.users("sandbox-dixa")) == 1
"""

from ._native import Sandbox

__all__ = ["Sandbox"]

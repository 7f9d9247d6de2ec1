"""Creates a user and prints it.

With no ``TRUTO_API_TOKEN`` set, it starts the embedded sandbox (a local,
Truto-compatible server) and creates the user there, so it runs offline::

    python examples/python/create_user.py

Against Truto itself::

    TRUTO_API_TOKEN=... python examples/python/create_user.py <integrated-account-id>

``TRUTO_LOG=debug`` prints every HTTP attempt.
"""

from __future__ import annotations

import json
import os
import sys

from truto_ticketing import Client, TrutoError, User
from truto_ticketing.testing import Sandbox


def create_ada(client: Client, account: str) -> User:
    return client.create_user(
        account,
        name="Ada Lovelace",
        first_name="Ada",
        last_name="Lovelace",
        emails=[{"email": "ada@example.com", "type": "primary"}],
        roles="member",
    )


def main() -> int:
    try:
        if os.environ.get("TRUTO_API_TOKEN", "").strip():
            if len(sys.argv) != 2:
                print("usage: create_user.py <integrated-account-id>", file=sys.stderr)
                return 2
            with Client() as client:
                user = create_ada(client, sys.argv[1])
        else:
            # HTTPS, as Truto is: the client trusts the CA the sandbox made at start.
            with Sandbox(tls=True) as sandbox:
                print(f"TRUTO_API_TOKEN is not set: using the embedded sandbox at {sandbox.url}", file=sys.stderr)
                with Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
                    user = create_ada(client, "sandbox-dixa")
    except TrutoError as error:
        print(f"could not create the user: {error}", file=sys.stderr)
        return 1
    print(user)
    print(json.dumps(user.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

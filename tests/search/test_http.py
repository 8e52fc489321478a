"""Search as deployed: ``cls-kg serve``'s gunicorn on loopback, over real HTTP."""

from __future__ import annotations

import json
from urllib.parse import quote

from ..support.served import LiveServer


def test_search_over_http(served: LiveServer) -> None:
    """A person searches 'santé mentale', as a page then as JSON, and follows a result."""
    path = f"/recherche?q={quote('santé mentale')}"
    status, headers, body = served.request("GET", path, headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Contrat Local de Santé de Besançon 2016-2018" in body.decode()
    status, headers, body = served.request("GET", path, headers={"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    found = json.loads(body)
    assert found["kinds"]["contract"] == 3
    url = found["groups"][0]["results"][0]["url"]
    assert served.request("GET", url, headers={"Accept": "text/html"})[0] == 200
    english = served.request("GET", "/search?q=vosges", headers={"Accept-Language": "en"})
    assert english[0] == 200 and b'lang="en"' in english[2]

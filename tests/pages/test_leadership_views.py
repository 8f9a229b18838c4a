"""What leadership (aggregates only) is shown: no link to a page it may not open, no empty table of people."""
import json

from pages import server


def page_body(client, path: str) -> str:
    reply = client.post(client.key("page.children"), {"url.pathname": path, "url.search": ""})
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_no_page_a_leader_opens_links_to_a_page_leaders_may_not_open(login):
    leader = login("leadership")
    closed = [p.PATH for p in server.PAGES if "leadership" not in p.ROLES]
    for page in [p for p in server.PAGES if "leadership" in p.ROLES]:
        body = json.loads(page_body(leader, page.PATH))["response"]["page"]["children"]
        links = [v for v in walk(body, "href")]
        assert not [h for h in links if any(h.split("?")[0] == c for c in closed)], page.PATH


def test_quarantine_shows_leaders_no_grid_of_people_and_others_their_lists(login):
    leader, analyst = login("leadership"), login("analyst")
    mine = page_body(leader, "/quarantine")
    assert '"qr-watch"' not in mine and '"qr-home"' not in mine          # no grid of people at all
    assert '"qr-watch-none"' in mine and '"qr-home-none"' in mine        # a notice instead
    assert '"qr-batches"' in mine                                        # the plans are counts: shown
    theirs = page_body(analyst, "/quarantine")
    assert '"qr-watch"' in theirs and '"qr-home"' in theirs and "qr-home-none" not in theirs


def walk(node, key):
    """Every value of `key` anywhere in a Dash layout's JSON."""
    if isinstance(node, dict):
        if key in node and isinstance(node[key], str):
            yield node[key]
        for value in node.values():
            yield from walk(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, key)

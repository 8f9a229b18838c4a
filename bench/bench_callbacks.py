"""Callback latency through real HTTP: the production server over a copy of a store, every server-side
callback the app registers (read from /_dash-dependencies, as the browser does) fired with realistic, varied
inputs by a logged-in user of a role that may fire it; p50 / p95 and response bytes per callback, plus what a
repeat of the same request costs once the server's caches hold it.

    python bench/bench_callbacks.py [--store var/store] [--scale 1] [--repeats 20] [--only WORD ...]

The export's downloads are not callbacks but an HTTP route (GET /export/download/<kind>?<filters>): each kind is
fetched as the browser does after the page's own count for the same filters, timing the first byte and the
whole body.

Budgets (issue #3): the overview map recolour (ov-map.figure on a date or metric change, a Patch) p95 <= 30 ms
and <= 50 KB; every other callback p95 <= 150 ms at scale 1, <= 500 ms at scale 100; the same for downloads,
on the time to the first byte for the streamed people files (CSV, Excel, Parquet) and on the whole download for
the GeoJSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.serving import USERS, Client, LoadWatch, Server, percentile, print_rows, row  # noqa: E402
from pages.context import day, day_index  # noqa: E402

PERIOD_START, PERIOD_END = dt.date(2020, 1, 20), dt.date(2020, 4, 30)      # the demo city's (queries/period.py)
REPORT_DAY = dt.date(2020, 3, 29)
DAYS = (PERIOD_END - PERIOD_START).days
RECOLOUR_MS, RECOLOUR_KB = 30, 50
STREAMED = ("csv", "xlsx", "parquet")          # downloads sent as they are written
ROLE_USER = {role: name for name, (role, _) in USERS.items()}
# the role that would use each page's callbacks (tried first), by callback id prefix
PREFERRED = {"ov": "leadership", "cm": "police", "ex": "analyst", "cp": "leadership", "al": "police",
             "qr": "leadership", "ad": "admin"}
PAGE_ROLE = {"/": "leadership", "/community": "police", "/export": "analyst", "/checkpoints": "leadership",
             "/feeds": "leadership", "/alerts": "police", "/quarantine": "leadership", "/admin": "admin"}


def budget_ms(scale: int) -> int:
    """150 ms at scale 1, 500 ms at scale 100 (issue #3); geometric in between (scale 10: 274 ms)."""
    import math
    return 150 if scale <= 1 else 500 if scale >= 100 else round(150 * (500 / 150) ** (math.log10(scale) / 2))


def copy_store(source: Path, target: Path, steady: bool = False) -> None:
    """The published snapshot of `source` as the only one of a new store at `target` (benchmarks never
    write into the original: notes, alert actions and ingests go to the copy and its state file). `steady`:
    then empty writes until the store is as a store in use is, with its kept versions and a spare made from a
    retired one (docs/store.md), so that a benchmark's ingests cost what they cost in use."""
    import shutil

    from store.db import KEEP_SNAPSHOTS, Store

    target.mkdir(parents=True)
    snapshot = Store(source).current_path()
    shutil.copy2(snapshot, target / snapshot.name)
    (target / "CURRENT").write_text(snapshot.name)
    for _ in range(KEEP_SNAPSHOTS + 1 if steady else 0):
        with Store(target).writer():
            pass


# ------------------------------------------------------------------------------------------ requests
def outputs_of(key: str):
    parts = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in key.strip(".").split("...")]
    return parts if key.startswith("..") else parts[0]


def body_for(dep: dict, inputs: dict, state: dict | None = None, changed: list[str] | None = None) -> dict:
    """The JSON body the Dash renderer posts to /_dash-update-component for callback `dep`."""
    state = state or {}

    def props(items, values):
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    return {"output": dep["output"], "outputs": outputs_of(dep["output"]),
            "inputs": props(dep["inputs"], inputs), "state": props(dep.get("state", []), state),
            "changedPropIds": changed if changed is not None else
            [f"{i['id']}.{i['property']}" for i in dep["inputs"] if f"{i['id']}.{i['property']}" in inputs]}


@dataclass
class Call:
    ms: float
    status: int
    wire: int              # bytes on the wire (gzip as sent)
    size: int              # JSON bytes after decompression
    data: dict | None


def fire(client: Client, body: dict) -> Call:
    started = time.perf_counter()
    reply = client.post("/_dash-update-component", data=json.dumps(body),
                        headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
    content = reply.content
    ms = (time.perf_counter() - started) * 1000
    wire = int(reply.headers.get("Content-Length") or len(content))
    data = None
    if reply.status_code == 200:
        data = json.loads(content).get("response")
    return Call(ms, reply.status_code, wire, len(content), data)


def output_value(call: Call, component: str, prop: str):
    return ((call.data or {}).get(component) or {}).get(prop)


@dataclass
class Fetch:
    first_ms: float        # until the first byte of the body
    ms: float              # until the last
    status: int
    wire: int              # body bytes as sent
    encoding: str          # Content-Encoding ('' when none)


def fetch(client: Client, path: str) -> Fetch:
    """GET `path` as a browser saving a download does, timing the body's first byte and its end."""
    started = time.perf_counter()
    reply = client.get(path, stream=True, headers={"Accept-Encoding": "gzip"})
    first = reply.raw.read(1)
    first_ms = (time.perf_counter() - started) * 1000
    wire = len(first) + len(reply.raw.read())
    ms = (time.perf_counter() - started) * 1000
    reply.close()
    return Fetch(first_ms, ms, reply.status_code, wire, reply.headers.get("Content-Encoding", ""))


# ------------------------------------------------------------------------------------------ inputs
@dataclass
class Fixtures:
    districts: list[str]
    townships: dict[str, list[str]]                      # district -> townships
    police_communities: list[str]                        # in the police user's district, most people first
    countries: list[str]
    doc_types: list[str]
    people: dict = field(default_factory=dict)           # (community, date) -> person ids (from cm-map)
    alert_ids: dict = field(default_factory=dict)        # date -> alert ids (from al-grid blocks)

    @classmethod
    def of(cls, store) -> Fixtures:
        conn = store.reader()
        districts = [r[0] for r in conn.execute("SELECT code FROM districts ORDER BY code").fetchall()]
        townships: dict[str, list[str]] = {}
        for code, district in conn.execute("SELECT code, district_code FROM townships ORDER BY code").fetchall():
            townships.setdefault(district, []).append(code)
        police_district = next(d for r, d in USERS.values() if r == "police")
        communities = [r[0] for r in conn.execute(
            "SELECT community_code FROM abroad WHERE district_code = ? AND community_code IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 40", [police_district]).fetchall()]
        countries = [r[0] for r in conn.execute(
            "SELECT country FROM abroad GROUP BY 1 ORDER BY count(*) DESC LIMIT 8").fetchall()]
        docs = [r[0] for r in conn.execute("SELECT DISTINCT doc_type FROM abroad ORDER BY 1").fetchall()]
        return cls(districts, townships, communities, countries, docs)

    def path(self, rng: random.Random) -> list[str]:
        depth = rng.choice((0, 1, 1, 2))
        if depth == 0:
            return []
        district = rng.choice([d for d in self.districts if self.townships.get(d)])
        return [district] if depth == 1 else [district, rng.choice(self.townships[district])]


def day_of(rng: random.Random, lo: int = 20) -> int:
    """A day `lo` days or more into the period, as the slider's value (pages.context.day_index)."""
    return day_index(PERIOD_START) + rng.randint(lo, DAYS)


def date_of(rng: random.Random, lo: int = 20) -> str:
    return day(day_of(rng, lo)).isoformat()


def export_filters(fx: Fixtures, rng: random.Random) -> dict:
    """Filters an analyst might set on the export page (ex-filters.data)."""
    district = rng.choice([None, None, *fx.districts])
    township = rng.choice([None, *fx.townships.get(district, [])]) if district else None
    return {"since": date_of(rng, 0)[:8] + "01" if rng.random() < 0.3 else PERIOD_START.isoformat(),
            "as_of": date_of(rng, 40), "district": district, "township": township, "community": None,
            "population": rng.choice([None, "abroad", "entered", "in_quarantine", "released"]),
            "doc_type": rng.choice([None, None, *fx.doc_types]),
            "country": rng.choice([None, None, None, *fx.countries]), "channel": None}


def applied(f: dict) -> dict:
    """The filter inputs whose change fires the count (ex-filters.data), as the page sends them."""
    return {"ex-dates.start_date": f["since"], "ex-dates.end_date": f["as_of"],
            **{f"ex-{k}.value": f.get(k) for k in ("district", "township", "community", "population", "doc_type",
                                                    "country", "channel")}}


def scenarios(fx: Fixtures):
    """{first output 'id.prop': [(case, role, make(i, rng) -> (inputs, state, changed))]}"""
    from layers.classes import METHODS
    from pages import overview
    from queries.dashboard import METRICS

    metrics = getattr(overview, "MAP_METRICS", METRICS)             # what the page's metric switch offers
    shown = list(getattr(overview, "SHOWN_LAYERS", getattr(overview, "POINT_LAYERS", ())))   # layers on at first

    def drill(rng):
        return {"path": fx.path(rng), "selected": None}

    def ov_inputs(rng, **extra):
        return {"ov-drill.data": drill(rng), "ov-metric.value": rng.choice(metrics), "ov-day.value": day_of(rng),
                "ov-classes.value": rng.choice(METHODS), "ov-points.value": shown, **extra}

    def recolour(i, rng):
        """What a recolour is: the same map (area, classes, layers), another date or metric."""
        trigger = "ov-day.value" if i % 2 else "ov-metric.value"
        return ov_inputs(rng, **{"ov-drill.data": {"path": [], "selected": None},
                                 "ov-classes.value": METHODS[0]}), {}, [trigger]

    def redraw(i, rng):
        return ov_inputs(rng), {}, ["ov-drill.data"]

    def click(i, rng):
        path = fx.path(rng)[:1]
        child = rng.choice(fx.townships[path[0]]) if path else rng.choice(fx.districts)
        return ({"ov-map.clickData": {"points": [{"curveNumber": 0, "location": child}]}, "ov-up.n_clicks": None},
                {"ov-drill.data": {"path": path, "selected": None}}, ["ov-map.clickData"])

    def day_drill(i, rng):
        return {"ov-day.value": day_of(rng), "ov-drill.data": drill(rng)}, {}, ["ov-day.value"]

    def ranked(i, rng):
        return ({"ov-drill.data": drill(rng), "ov-metric.value": rng.choice(metrics), "ov-day.value": day_of(rng)},
                {}, ["ov-day.value"])

    def community(i, rng):
        return ({"cm-community.value": fx.police_communities[i % len(fx.police_communities)],
                 "cm-date.date": date_of(rng, 40)}, {}, ["cm-community.value"])

    def person_pick(i, rng):
        known = [(k, ids) for k, ids in fx.people.items() if ids]
        (code, date), ids = known[i % len(known)] if known else ((fx.police_communities[0], "2020-03-29"), [1])
        return ({"cm-grid.selectedRows": [{"person_id": ids[i % len(ids)]}]},
                {"cm-community.value": code, "cm-date.date": date}, ["cm-grid.selectedRows"])

    def note(i, rng):
        inputs, state, _ = person_pick(i, rng)
        return ({"cm-note-save.n_clicks": i + 1},
                {**state, "cm-grid.selectedRows": inputs["cm-grid.selectedRows"], "cm-note-kind.value": "contact",
                 "cm-note-text.value": f"benchmark note {i}"}, ["cm-note-save.n_clicks"])

    def map_click(i, rng):
        return ({"cm-map.clickData": {"points": [{"curveNumber": 0,
                                                  "location": rng.choice(fx.police_communities)}]}},
                {}, ["cm-map.clickData"])

    def apply(i, rng):
        return applied(export_filters(fx, rng)), {}, ["ex-dates.end_date"]

    # The grid asks for blocks only after the page has applied the filters (the count callback writes
    # ex-filters.data, which it reads): each block request comes after that count, fired first and not measured,
    # as the page fires it. (The downloads too: Bench.download.)
    def block(i, rng):
        start = rng.choice((0, 0, 100, 200, 500))
        sort = rng.choice(([], [{"colId": "name", "sort": "asc"}], [{"colId": "entry_date", "sort": "desc"}]))
        f = export_filters(fx, rng)
        return ({"ex-grid.getRowsRequest": {"startRow": start, "endRow": start + 100, "sortModel": sort,
                                            "filterModel": {}}},
                {"ex-filters.data": f}, ["ex-grid.getRowsRequest"], ("ex-filters.data", applied(f)))

    def townships(i, rng):
        return {"ex-district.value": fx.districts[i % len(fx.districts)]}, {}, ["ex-district.value"]

    def communities(i, rng):
        district = fx.districts[i % len(fx.districts)]
        return {"ex-township.value": rng.choice(fx.townships.get(district) or [None])}, {}, ["ex-township.value"]

    def one_date(component):
        def make(i, rng):
            return {f"{component}.date": date_of(rng)}, {}, [f"{component}.date"]
        return make

    # The quarantine lists ask for blocks of the date the page's callback wrote (qr-listed), fired first.
    def quarantine_block(grid_id, sort_col):
        def make(i, rng):
            date, start = date_of(rng), rng.choice((0, 0, 0, 100))
            sort = rng.choice(([], [{"colId": sort_col, "sort": "desc"}]))
            return ({f"{grid_id}.getRowsRequest": {"startRow": start, "endRow": start + 100, "sortModel": sort,
                                                   "filterModel": {}}},
                    {"qr-listed.data": {"as_of": date}}, [f"{grid_id}.getRowsRequest"],
                    ("qr-cards.children", {"qr-date.date": date}))
        return make

    def alert_filters(rng) -> dict:
        """What the alerts page's filters send (the listing callback's inputs)."""
        from loop.alerts import KINDS
        from pages.alerts import MAP_LAYERS, OPEN_STATES
        return {"al-date.date": date_of(rng, 40), "al-kinds.value": rng.choice([[], [], [rng.choice(KINDS)]]),
                "al-states.value": OPEN_STATES, "al-layers.value": list(MAP_LAYERS), "al-version.data": 0}

    def alerts(i, rng):
        return alert_filters(rng), {}, ["al-date.date"]

    # The alerts grid asks for a block once the listing callback has written the filters it reads (al-filters):
    # that callback is fired first, not measured, as the page fires it.
    def alert_block(i, rng):
        from pages.alerts import filters_of
        f = alert_filters(rng)
        start = rng.choice((0, 0, 0, 100, 200))
        sort = rng.choice(([], [{"colId": "age_days", "sort": "desc"}], [{"colId": "name", "sort": "asc"}]))
        listing = filters_of(dt.date.fromisoformat(f["al-date.date"]), f["al-kinds.value"], f["al-states.value"], 0)
        return ({"al-grid.getRowsRequest": {"startRow": start, "endRow": start + 100, "sortModel": sort,
                                            "filterModel": {}}},
                {"al-filters.data": listing}, ["al-grid.getRowsRequest"], ("al-counts.children", f))

    def alert_pick(rng, i):
        known = [(d, ids) for d, ids in fx.alert_ids.items() if ids]
        date, ids = known[i % len(known)] if known else ("2020-03-29", ["none"])
        return date, ids

    def plan(i, rng):
        date, ids = alert_pick(rng, i)
        return ({"al-grid.selectedRows": [{"alert_id": ids[i % len(ids)]}], "al-version.data": i},
                {"al-date.date": date}, ["al-grid.selectedRows"])

    def act(i, rng):
        date, ids = alert_pick(rng, i)
        action = ("assign", "acknowledge", "close", "reopen")[i % 4]
        return ({f"al-{action}.n_clicks": i + 1},
                {"al-grid.selectedRows": [{"alert_id": a} for a in ids[i % len(ids):][:3]],
                 "al-assignee.value": "bench", "al-reason.value": "verified", "al-note.value": "benchmark",
                 "al-date.date": date, "al-version.data": i}, [f"al-{action}.n_clicks"])

    def task_filters(rng) -> dict:
        """What the tasks page's filters send: a date, all tasks or the officer's own."""
        return {"tk-date.date": date_of(rng, 40), "tk-mine.value": rng.choice(([], [], ["mine"])),
                "tk-officer.value": "", "tk-version.data": 0}

    def tasks(i, rng):
        return task_filters(rng), {}, ["tk-date.date"]

    def task_block(i, rng):                     # as alert_block: the listing callback is fired first
        from pages.tasks import listing_of
        f = task_filters(rng)
        start = rng.choice((0, 0, 0, 100))
        sort = rng.choice(([], [{"colId": "due_at", "sort": "asc"}], [{"colId": "community", "sort": "desc"}]))
        listing = listing_of(dt.date.fromisoformat(f["tk-date.date"]), f["tk-mine.value"], "", 0)
        return ({"tk-grid.getRowsRequest": {"startRow": start, "endRow": start + 100, "sortModel": sort,
                                            "filterModel": {}}},
                {"tk-filters.data": listing}, ["tk-grid.getRowsRequest"], ("tk-counts.children", f))

    def unmask(i, rng):
        inputs, state, _ = person_pick(i, rng)
        return ({"cm-unmask.n_clicks": i + 1},
                {**state, "cm-grid.selectedRows": inputs["cm-grid.selectedRows"],
                 "cm-unmask-reason.value": "核实身份 benchmark"}, ["cm-unmask.n_clicks"])

    # (first output, the input that fires it, case, role, make -> (inputs, state, changed[, (output, inputs)]))
    return [
        ("ov-map.figure", "ov-metric.value", "recolour (date / metric change)", "leadership", recolour),
        ("ov-map.figure", "ov-drill.data", "drill redraw", "leadership", redraw),
        ("ov-drill.data", "ov-map.clickData", "drill click", "leadership", click),
        ("ov-crumbs.children", "ov-drill.data", "", "leadership",
         lambda i, rng: ({"ov-drill.data": drill(rng)}, {}, None)),
        ("ov-cards.children", "ov-day.value", "", "leadership", day_drill),
        ("ov-daily.figure", "ov-day.value", "", "leadership", day_drill),
        ("ov-ranked.children", "ov-day.value", "", "leadership", ranked),
        ("cm-community.value", "cm-map.clickData", "", "police", map_click),
        ("cm-map.figure", "cm-community.value", "", "police", community),
        ("cm-person.children", "cm-grid.selectedRows", "pick person", "police", person_pick),
        ("cm-person.children", "cm-unmask.n_clicks", "unmask", "police", unmask),
        ("cm-notes.children", "cm-grid.selectedRows", "pick person", "police", person_pick),
        ("cm-notes.children", "cm-note-save.n_clicks", "save note", "police", note),
        ("ex-township.options", "ex-district.value", "", "analyst", townships),
        ("ex-community.options", "ex-township.value", "", "analyst", communities),
        ("ex-filters.data", "ex-dates.end_date", "count", "analyst", apply),
        ("ex-grid.getRowsResponse", "ex-grid.getRowsRequest", "grid block", "analyst", block),
        ("cp-cards.children", "cp-date.date", "", "leadership", one_date("cp-date")),
        ("al-counts.children", "al-date.date", "listing (date / filter change)", "police", alerts),
        ("al-grid.getRowsResponse", "al-grid.getRowsRequest", "grid block", "police", alert_block),
        ("al-plan.children", "al-grid.selectedRows", "", "police", plan),
        ("al-status.children", "al-acknowledge.n_clicks", "workflow action", "police", act),
        ("qr-cards.children", "qr-date.date", "", "leadership", one_date("qr-date")),
        ("tk-counts.children", "tk-date.date", "listing (date / filter change)", "police", tasks),
        ("tk-grid.getRowsResponse", "tk-grid.getRowsRequest", "grid block", "police", task_block),
        *[(f"{g}.getRowsResponse", f"{g}.getRowsRequest", "grid block", role, quarantine_block(g, col))
          for g, role, col in (("qr-batches", "leadership", "people"), ("qr-home", "police", "missed_days"),
                               ("qr-watch", "police", "raised_at"))],
    ]


def cases_for(table: list, dep: dict) -> list:
    """The scenarios of `table` for callback `dep`: same first output, fired by one of its inputs."""
    inputs = {f"{i['id']}.{i['property']}" for i in dep["inputs"]}
    return [(case, role, make) for output, trigger, case, role, make in table
            if output == first_output(dep["output"]) and trigger in inputs]


def first_output(key: str) -> str:
    return key.strip(".").split("...")[0].split("@")[0]


# ------------------------------------------------------------------------------------------ measuring
@dataclass
class Download:
    kind: str
    fetches: list[Fetch]
    repeats: list[Fetch]          # the last request again


@dataclass
class Result:
    name: str
    case: str
    role: str
    calls: list[Call]
    repeats: list[Call]
    recolour: bool = False
    note: str = ""

    @property
    def errors(self) -> int:
        return sum(c.status != 200 and c.status != 204 for c in self.calls + self.repeats)


class Bench:
    def __init__(self, server: Server, store, repeats: int):
        self.server, self.repeats = server, repeats
        self.deps: dict[str, dict] = {}                     # first output -> the callback, as the page has it
        self.clients: dict[str, Client] = {}
        self.fx = Fixtures.of(store)

    def client(self, role: str) -> Client:
        if role not in self.clients:
            c = Client(self.server.url)
            c.login(ROLE_USER[role])
            c.get("/")
            self.clients[role] = c
        return self.clients[role]

    def measure(self, dep: dict, name: str, case: str, role: str, make) -> Result:
        roles = [role, *[r for r in ROLE_USER if r != role]]
        rng = random.Random(f"2020 {name} {case}")          # the same draws whichever rows run (--only)
        calls: list[Call] = []
        body = None
        for i in range(self.repeats):
            inputs, state, changed, *before = make(i, rng)
            for output, values in before:                   # what the page fires first (not measured)
                fire(self.client(role), body_for(self.deps[output], values))
            body = body_for(dep, inputs, state, changed)
            call = fire(self.client(role), body)
            if call.status in (401, 403) and i == 0 and len(roles) > 1:      # this role may not: try another
                for other in roles[1:]:
                    call = fire(self.client(other), body)
                    if call.status not in (401, 403):
                        role = other
                        break
            calls.append(call)
            self.harvest(name, body, call)
        repeats = [fire(self.client(role), body) for _ in range(max(5, self.repeats // 2))]
        return Result(name, case, role, calls, repeats)

    def download(self, kind: str) -> Download:
        """The export route for `kind`, each request after the page's own count for the same filters (fired
        first, not measured: the page has counted before anyone can click). The first request is the page's
        first screen, everyone in the loop on the report day (the largest file), the others varied filters
        (drawn from their own seed, the same whichever rows run)."""
        from pages.export import DOWNLOAD

        rng, client = random.Random(f"2020 download {kind}"), self.client("analyst")
        fetches, path = [], ""
        for i in range(self.repeats):
            f = export_filters(self.fx, rng) if i else {"since": PERIOD_START.isoformat(),
                                                         "as_of": REPORT_DAY.isoformat()}
            fire(client, body_for(self.deps["ex-filters.data"], applied(f)))
            path = DOWNLOAD + kind + "?" + urlencode({k: v for k, v in f.items() if v})   # as the page's link
            fetches.append(fetch(client, path))
        return Download(kind, fetches, [fetch(client, path) for _ in range(max(5, self.repeats // 2))])

    def harvest(self, name: str, body: dict, call: Call) -> None:
        """Remember what later callbacks pick from: people in a community list, alert ids (from grid blocks)."""
        values = {f"{i['id']}.{i['property']}": i["value"] for i in body["inputs"] + body["state"]}
        if name == "cm-map.figure":
            rows = output_value(call, "cm-grid", "rowData") or []
            ids = [r["person_id"] for r in rows if isinstance(r, dict) and "person_id" in r]
            self.fx.people[(values["cm-community.value"], values["cm-date.date"])] = ids[:20]
        if name == "al-grid.getRowsResponse":
            rows = (output_value(call, "al-grid", "getRowsResponse") or {}).get("rowData") or []
            ids = [r["alert_id"] for r in rows if isinstance(r, dict) and "alert_id" in r]
            if ids:
                self.fx.alert_ids[values["al-filters.data"]["as_of"]] = ids[:30]

    def route(self, dep: dict) -> list[Result]:
        results = []
        for path, role in PAGE_ROLE.items():
            client = self.client(role)
            if role == "admin" and not client.logged_in:          # no login, no admin page
                continue
            body = body_for(dep, {"url.pathname": path, "url.search": ""}, {}, ["url.pathname"])
            calls = [fire(client, body) for _ in range(self.repeats)]
            results.append(Result(first_output(dep["output"]), f"page load {path}", role, calls, []))
        return results


def wanted(only, *names: str) -> bool:
    """Whether a row named by `names` is measured: all when `only` is empty, else when a word is in a name."""
    return not only or any(word in name for word in only for name in names)


def run(store_root: Path, scale: int = 1, repeats: int = 20, only: tuple[str, ...] = ()) -> list[dict]:
    from store.db import Store

    watch = LoadWatch()
    with tempfile.TemporaryDirectory(prefix="bench-callbacks-") as tmp:
        tmp = Path(tmp)
        copy_store(Path(store_root), tmp / "store")
        with Server(tmp / "store", tmp / "work") as server:
            bench = Bench(server, Store(tmp / "store"), repeats)
            deps = bench.client("leadership").get("/_dash-dependencies").json()
            bench.deps = {first_output(d["output"]): d for d in deps}
            table = scenarios(bench.fx)
            order = [x[0] for x in table]
            served = [d for d in deps if not d.get("clientside_function")]
            served.sort(key=lambda d: (order.index(first_output(d["output"])) if first_output(d["output"]) in order
                                       else -1 if "page.children" in d["output"] else len(order)))
            results: list[Result] = []
            for dep in served:
                name = first_output(dep["output"])
                if "page.children" in dep["output"]:
                    results += bench.route(dep) if wanted(only, name, "page load") else []
                    continue
                cases = [c for c in cases_for(table, dep) if wanted(only, name, c[0])]
                if not cases and not wanted(only, name):
                    continue
                if not cases:                       # a callback with no scenario here: fire it anyway
                    generic = (lambda i, rng, dep=dep: (
                        {f"{x['id']}.{x['property']}": None for x in dep["inputs"]}, {}, None))
                    prefix = name.split("-")[0]
                    result = bench.measure(dep, name, "generic inputs (no scenario)",
                                           PREFERRED.get(prefix, "leadership"), generic)
                    result.note = "no scenario: inputs all empty"
                    results.append(result)
                    continue
                for case, role, make in cases:
                    result = bench.measure(dep, name, case, role, make)
                    result.recolour = case.startswith("recolour")
                    results.append(result)
            downloads = [bench.download(kind) for kind in ("csv", "xlsx", "parquet", "geojson")
                         if wanted(only, "download", kind)]
            skipped = [first_output(d["output"]) for d in deps if d.get("clientside_function") and not only]
            warm = row("warm-up", "a snapshot's first screens, before measuring (pages/warmup.py)",
                       round(server.warm_s, 1), "s", "", None, "server start to /ready?warm=1 200: the whole city and "
                       "the users' jurisdictions; requests are served meanwhile, nothing waits for it")
    return [warm, *rows_of(results, scale, skipped), *download_rows(downloads, scale), watch.row("callback p95")]


def rows_of(results: list[Result], scale: int, skipped: list[str]) -> list[dict]:
    limit = budget_ms(scale)
    rows = []
    for r in results:
        ok_calls = [c for c in r.calls if c.status in (200, 204)]
        ms = [c.ms for c in ok_calls] or [float("nan")]
        p50, p95 = percentile(ms, 50), percentile(ms, 95)
        wire = sorted(c.wire for c in ok_calls) or [0]
        size = sorted(c.size for c in ok_calls) or [0]
        cached = percentile([c.ms for c in r.repeats], 50) if r.repeats else None
        target = RECOLOUR_MS if r.recolour else limit
        ok = r.errors == 0 and p95 <= target
        note = (f"p50 {p50:.1f} ms, max {max(ms):.0f} ms, n={len(r.calls)} varied; "
                + (f"same request again p50 {cached:.1f} ms; " if cached is not None else "")
                + f"response {size[len(size) // 2] / 1024:.1f} KB JSON, {wire[len(wire) // 2] / 1024:.1f} KB gzip"
                + (f", max {max(size) / 1024:.0f} KB" if max(size) > 2 * size[len(size) // 2] else "")
                + (f"; {r.errors} errors (HTTP {sorted({c.status for c in r.calls + r.repeats} - {200, 204})})"
                   if r.errors else "") + (f"; {r.note}" if r.note else ""))
        case = f"{r.name}" + (f" {r.case}" if r.case else "") + f" [{r.role}]"
        rows.append(row("callback p95", case, round(p95, 1), "ms", f"p95 <= {target} ms", ok, note))
        if r.recolour:
            kb = max(size) / 1024
            rows.append(row("callback bytes", case, round(kb, 1), "KB", f"<= {RECOLOUR_KB} KB",
                            kb <= RECOLOUR_KB and r.errors == 0,
                            f"largest response JSON; on the wire (gzip) {max(wire) / 1024:.1f} KB"))
    if skipped:
        rows.append(row("callback p95", "clientside (never reach the server)", len(skipped), "callbacks", "", None,
                        ", ".join(skipped)))
    return rows


def download_rows(downloads: list[Download], scale: int) -> list[dict]:
    """One row per kind: p95 of the time to the first byte for the streamed people files (what the user waits
    for before the browser shows the download going), of the whole download for the GeoJSON, built whole."""
    limit = budget_ms(scale)
    rows = []
    for d in downloads:
        ok = [f for f in d.fetches if f.status == 200] or [Fetch(float("nan"), float("nan"), 0, 0, "")]
        first, total = [f.first_ms for f in ok], [f.ms for f in ok]
        streamed = d.kind in STREAMED
        p95 = percentile(first if streamed else total, 95)
        errors = sum(f.status != 200 for f in d.fetches + d.repeats)
        wire = sorted(f.wire for f in ok)
        note = (f"first byte p50 {percentile(first, 50):.1f} / p95 {percentile(first, 95):.1f} ms, total p50 "
                f"{percentile(total, 50):.1f} / p95 {percentile(total, 95):.1f} / max {max(total):.0f} ms; "
                f"n={len(ok)} "
                f"(everyone on the report day, then varied), each after the page's count; same request again total "
                f"p50 {percentile([f.ms for f in d.repeats], 50):.1f} ms; {wire[len(wire) // 2] / 1024:.1f} KB, "
                f"max {max(wire) / 1024:.0f} KB {', '.join(sorted({f.encoding for f in ok} - {''})) or 'not gzipped'}"
                f"; budget on the {'time to first byte (streamed)' if streamed else 'total (built whole, then sent)'}"
                + (f"; {errors} errors (HTTP {sorted({f.status for f in d.fetches + d.repeats} - {200})})"
                   if errors else ""))
        rows.append(row("download p95", f"GET /export/download/{d.kind} [analyst]", round(p95, 1), "ms",
                        f"p95 <= {limit} ms", errors == 0 and p95 <= limit, note))
    return rows


def main() -> int:
    p = argparse.ArgumentParser(prog="python bench/bench_callbacks.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--scale", type=int, default=1, help="the store's demo scale (sets the budget)")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--only", nargs="+", default=(), metavar="WORD",
                   help="measure only the rows whose output, case or page load names one of these words")
    args = p.parse_args()
    print_rows(run(Path(args.store), args.scale, args.repeats, tuple(args.only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The export's downloads over HTTP (GET /export/download/<kind>?<filters>, the links on the page): exactly the
rows the page counts, as attachments (CSV, Excel and Parquet streamed), behind the login gate, refused outside
the caller's jurisdiction or role (and for Excel beyond a sheet's rows), and each audited once with its row
count."""
import datetime as dt
import io
import json
import re
from urllib.parse import unquote, urlencode

import pandas as pd
import pytest

from auth import audit
from auth.state import State
from pages import streamed_files
from pages.export import DOWNLOAD, KINDS, attachment, csv_chunks
from pages.gate import PUBLIC
from pages.i18n import t
from pages.people import EXPORT_COLUMNS, loop_people
from queries.dashboard import METRICS
from queries.runner import Scope
from tests.pages.dash_client import account
from tests.pages.test_streamed_files import assert_reads_back

DAY = "2020-03-29"
OWN, OTHER = "450403", "450405"            # the police user's district, another one
CASES = [{}, {"district": OWN}, {"district": OTHER, "population": "in_quarantine"},
         {"township": "450405001", "since": "2020-02-01", "population": "entered"}]


def url(kind: str, filters: dict) -> str:
    """The link the page builds for these filters (non-empty values in the query string)."""
    query = urlencode({k: v for k, v in {"as_of": DAY, **filters}.items() if v})
    return f"{DOWNLOAD}{kind}?{query}"


def shown_count(client, filters: dict) -> int:
    """The count the page shows for these filters (its own callback)."""
    filters = {"since": "2020-01-20", "as_of": DAY, **filters}
    text = client.call("ex-count.children", {
        "ex-dates.start_date": filters["since"], "ex-dates.end_date": filters["as_of"],
        **{f"ex-{k}.value": filters.get(k) for k in ("district", "township", "population")}}).outputs["ex-count.children"]
    return int(re.sub(r"[^\d]", "", text))


NAMED = r'wuzhou_%s_\d{4}-\d\d-\d\d_2020-03-29_?%s_\d{8}T\d{4}Z\.%s'


def saved_name(header: str) -> str:
    """The name a browser saves a download under: the UTF-8 one when given (RFC 6266), else the plain one."""
    found = re.search(r"filename\*=UTF-8''(\S+)", header)
    return unquote(found.group(1)) if found else re.fullmatch(r'attachment; filename="(.*)"', header).group(1)


def named(filters: dict) -> list[str]:
    """What a file name says of the filters: the area's code, then stage, document, country, channel."""
    area = filters.get("community") or filters.get("township") or filters.get("district")
    return [v for v in (area, filters.get("population"), filters.get("doc_type"), filters.get("country"),
                        filters.get("channel")) if v]


def exports(username: str, state_path) -> list[dict]:
    return [r for r in audit.recent(State(state_path), 100_000, "export") if r["username"] == username]


@pytest.mark.parametrize("filters", CASES, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "city")
def test_every_format_holds_exactly_the_counted_rows(app, client, filters):
    count = shown_count(client, filters)
    bodies = {}
    for kind in ("csv", "xlsx", "parquet"):
        reply = client.http.get(url(kind, filters))
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        assert re.fullmatch(NAMED % ("loop", "_".join(named(filters)), kind),
                            saved_name(reply.headers["Content-Disposition"]))
        bodies[kind] = reply.get_data()
    parquet = pd.read_parquet(io.BytesIO(bodies["parquet"]))
    since = dt.date.fromisoformat(filters.get("since", "2020-01-20"))
    area = filters.get("township") or filters.get("district")
    scope = Scope("analyst", area[:6] if area else None, area if area and len(area) == 9 else None)
    rows = loop_people(app.server.extensions["context"], scope, as_of=dt.date.fromisoformat(DAY), since=since,
                       population=filters.get("population"))[list(EXPORT_COLUMNS)]
    assert len(parquet) == count > 0
    pd.testing.assert_frame_equal(parquet, rows.reset_index(drop=True))
    assert bodies["csv"] == b"".join(csv_chunks(parquet))                 # the same rows, as CSV
    text = pd.read_csv(io.BytesIO(bodies["csv"]), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    excel = pd.read_excel(io.BytesIO(bodies["xlsx"]), engine="openpyxl", dtype=str, keep_default_na=False)
    assert list(text.columns) == list(excel.columns) == list(EXPORT_COLUMNS)
    shown = ["person_id", "name", "resident_id", "phone", "stage", "district_code", "community"]
    pd.testing.assert_frame_equal(excel[shown], text[shown])
    assert_reads_back(bodies["xlsx"], parquet)            # every column, typed: numbers, dates, missing values
    assert text["person_id"].astype(int).tolist() == parquet["person_id"].tolist()


def test_csv_streams_rfc_4180_with_a_bom_and_is_never_stored(client):
    reply = client.http.get(url("csv", {"district": OWN}))
    assert reply.status_code == 200 and reply.is_streamed and "Content-Length" not in reply.headers
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.headers["Cache-Control"] == "no-store" and "ETag" not in reply.headers
    body = reply.get_data()
    assert body.startswith("\ufeff".encode() + ",".join(EXPORT_COLUMNS).encode() + b"\r\n")
    assert body.endswith(b"\r\n") and body.count(b"\n") == body.count(b"\r\n")      # CRLF, no bare LF
    phones = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)["phone"].dropna()
    assert phones.str.contains(r"\*").any() and not phones.str.fullmatch(r"1[3-9]\d{9}").any()     # masked


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_excel_and_parquet_stream_too_and_are_never_stored(client, kind):
    reply = client.http.get(url(kind, {}))
    assert reply.status_code == 200 and reply.is_streamed and "Content-Length" not in reply.headers
    assert reply.headers["Content-Type"] == KINDS[kind]
    assert reply.headers["Cache-Control"] == "no-store" and "ETag" not in reply.headers
    chunks = list(reply.response)
    assert chunks[0][:4] == (b"PK\x03\x04" if kind == "xlsx" else b"PAR1") and len(chunks) > 2


def test_more_rows_than_an_excel_sheet_are_refused_before_anything_is_sent(client, app_config, monkeypatch):
    count = shown_count(client, {})
    before = len(audit.recent(State(app_config.state_path), 100_000, "export"))
    monkeypatch.setattr(streamed_files, "MAX_ROWS", count)        # the header row and `count` rows: one too many
    reply = client.http.get(url("xlsx", {}))
    assert reply.status_code == 422 and "Content-Disposition" not in reply.headers
    assert int(reply.headers["Content-Length"]) == len(reply.get_data())         # a whole reply, not a stream
    assert reply.mimetype == "text/plain"
    assert reply.get_data(as_text=True) == t("export.too_many_rows", "zh", n=count, most=1_048_575)
    assert len(audit.recent(State(app_config.state_path), 100_000, "export")) == before        # nothing exported
    for kind in ("csv", "parquet"):                                                       # no limit there
        assert client.http.get(url(kind, {})).status_code == 200
    monkeypatch.setattr(streamed_files, "MAX_ROWS", count + 1)                            # exactly a sheet
    assert len(pd.read_excel(io.BytesIO(client.http.get(url("xlsx", {})).get_data()), engine="openpyxl")) == count


def test_geojson_holds_the_areas_below_the_chosen_one(client, synthetic_store):
    conn = synthetic_store.reader()
    for filters, level, expected in [
            ({}, "districts", conn.execute("SELECT count(*) FROM districts").fetchone()[0]),
            ({"district": OWN}, "townships",
             conn.execute("SELECT count(*) FROM townships WHERE district_code = ?", [OWN]).fetchone()[0])]:
        reply = client.http.get(url("geojson", filters))
        assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/geo+json"
        assert re.fullmatch(NAMED % (level, "_".join(named(filters)), "geojson"),
                            saved_name(reply.headers["Content-Disposition"]))
        collection = json.loads(reply.get_data())
        assert collection["type"] == "FeatureCollection" and len(collection["features"]) == expected > 0
        for feature in collection["features"]:
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            assert set(METRICS) <= set(feature["properties"])
            assert str(feature["properties"]["code"]).startswith(filters.get("district", ""))


def test_geojson_counts_the_listed_people_of_every_filter_and_says_what_it_holds(client, synthetic_store):
    """Stage, document, country and channel narrow the GeoJSON's `people` exactly as the list; the figures that
    do not follow them are named; the file name carries each filter."""
    conn = synthetic_store.reader()
    doc, country = conn.execute("SELECT doc_type, country FROM abroad GROUP BY ALL ORDER BY count(*) DESC").fetchone()
    channel = conn.execute("SELECT channel FROM sightings GROUP BY ALL ORDER BY count(*) DESC").fetchone()[0]
    totals = []
    for filters in ({}, {"population": "abroad"}, {"population": "abroad", "doc_type": doc},
                    {"population": "abroad", "doc_type": doc, "country": country}, {"channel": channel},
                    {"district": OWN, "population": "abroad", "country": country}):
        listed = len(loop_people(client.app.server.extensions["context"], Scope.whole_city("analyst"),
                                 as_of=dt.date.fromisoformat(DAY),
                                 **{k: v for k, v in filters.items() if k != "district" and k != "population"},
                                 population=filters.get("population"))
                     .pipe(lambda f: f[f["district_code"] == OWN] if "district" in filters else f))
        reply = client.http.get(url("geojson", filters))
        assert reply.status_code == 200
        assert re.fullmatch(NAMED % ("townships" if "district" in filters else "districts",
                                     "_".join(named(filters)), "geojson"),
                            saved_name(reply.headers["Content-Disposition"])), reply.headers["Content-Disposition"]
        collection = json.loads(reply.get_data())
        people = sum(f["properties"]["people"] for f in collection["features"])
        assert people + collection["people_unplaced"] == listed, filters
        assert {k: v for k, v in collection["filters"].items() if k in filters} == \
            {k: v for k, v in filters.items() if k != "district"}
        assert collection["figures_filtered_by"] == ["area", "as_of"]
        totals.append(people)
    assert totals[0] > totals[1] > totals[2] >= totals[3] > 0 and totals[4] < totals[0]
    print(f"\ngeojson people per filter set: {totals}")


def test_each_download_is_audited_once_with_its_row_count(login, app_config):
    police, username = login("police", OWN), account(app_config.state_path, "police", OWN)
    before = len(exports(username, app_config.state_path))
    count = shown_count(police, {"population": "in_quarantine"})
    sizes = {}
    for kind in ("csv", "xlsx", "parquet", "geojson"):
        reply = police.http.get(url(kind, {"population": "in_quarantine"}))
        assert reply.status_code == 200
        body = reply.get_data()
        sizes[kind] = len(json.loads(body)["features"]) if kind == "geojson" else count
    new = exports(username, app_config.state_path)[: len(exports(username, app_config.state_path)) - before]
    assert sorted(r["target"] for r in new) == sorted(sizes)
    for r in new:
        detail = json.loads(r["detail"])
        assert detail["rows"] == sizes[r["target"]] and detail["filters"]["as_of"] == DAY
        assert detail["filters"]["population"] == "in_quarantine"
    print(f"\ndownloads: {len(new)} audit rows, rows {sizes}")


def test_refused_outside_the_jurisdiction_the_role_or_a_login(app, login, app_config):
    police, leader = login("police", OWN), login("leadership")
    for filters in ({"district": OTHER}, {"township": "450405001"}, {"community": "450405001001"}):
        reply = police.http.get(url("csv", filters))
        assert reply.status_code == 403 and "Content-Disposition" not in reply.headers
        assert reply.get_data(as_text=True) == "所选区域不在您的管辖范围内。"
    assert police.http.get(url("csv", {"district": OWN})).status_code == 200
    denied = len(audit.recent(State(app_config.state_path), 100_000, "access.denied"))
    reply = leader.http.get(url("geojson", {}))                                  # leadership exports nothing
    assert reply.status_code == 403 and "Content-Disposition" not in reply.headers
    assert len(audit.recent(State(app_config.state_path), 100_000, "access.denied")) == denied + 1
    anonymous = app.server.test_client().get(url("csv", {"district": OWN}))
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"].startswith(f"/login?next={DOWNLOAD}csv?")
    assert not DOWNLOAD.startswith(PUBLIC)
    assert police.http.get(f"{DOWNLOAD}pdf").status_code == 404
    assert police.http.get(url("csv", {"as_of": "2020-13-45"})).status_code == 400


def test_the_page_links_to_the_route_and_holds_no_file(client):
    layout = json.dumps(client.call("page.children", {"url.pathname": "/export", "url.search": ""}).outputs)
    for kind in ("csv", "xlsx", "parquet", "geojson"):
        assert f'"href": "{DOWNLOAD}{kind}"' in layout and f'"id": "ex-{kind}"' in layout
    assert "ex-download" not in layout and not any("ex-download" in k for k in client.app.callback_map)


def test_a_file_name_that_is_not_ascii_is_sent_both_ways():
    header = attachment("梧州_loop_2020-03-29.csv")
    assert header == ("attachment; filename=\"_loop_2020-03-29.csv\"; "
                      "filename*=UTF-8''%E6%A2%A7%E5%B7%9E_loop_2020-03-29.csv")
    header.encode("latin-1")                                      # a valid HTTP header value
    assert attachment("wuzhou_loop_2020-03-29.csv") == 'attachment; filename="wuzhou_loop_2020-03-29.csv"'

"""The figures API on the demo city: the same numbers as the query layer, for the city, a district and a
township, day by day; answers as documented."""
import dataclasses
import datetime as dt

import pytest

from intake import tokens
from queries.figures import headline
from queries.runner import Scope
from tests.intake.test_api import bearer, conforms

DAY = dt.date(2020, 3, 29)


@pytest.fixture(scope="module")
def demo_api(demo_city, app_config, tmp_path_factory):  # noqa: F811
    from auth.state import State
    from pages.server import create_app

    store, _ = demo_city
    state_path = tmp_path_factory.mktemp("figures-api") / "app.sqlite"
    app = create_app(store, dataclasses.replace(app_config, state_path=state_path))
    return app.server.test_client(), store, tokens.add(State(state_path), "portal", tokens.AGGREGATES)


@pytest.mark.parametrize("area", ["all", "450403", "450403005"])
def test_headline_figures_are_the_query_layers(demo_api, area):
    http, store, token = demo_api
    answer = conforms(http, http.get(f"/api/v1/figures/headline?area={area}&as_of={DAY}", headers=bearer(token)),
                      "/api/v1/figures/headline")
    scope = Scope("leadership", *((area[:6], area if len(area) == 9 else None) if area != "all" else ()))
    expected = headline(store.reader(), scope, DAY)
    assert answer["figures"] == {k: v or 0 for k, v in expected.items()}
    assert answer["as_of"] == DAY.isoformat() and answer["area"] == area
    if area == "all":
        assert answer["figures"]["abroad"] > 0 and answer["figures"]["checkpoint_vehicles"] > 0


def test_daily_figures_end_each_day_at_the_headline(demo_api):
    http, store, token = demo_api
    answer = conforms(http, http.get("/api/v1/figures/daily?area=450403&from=2020-03-25&to=2020-03-29",
                                     headers=bearer(token)), "/api/v1/figures/daily")
    assert [d["day"] for d in answer["days"]] == [f"2020-03-{n}" for n in range(25, 30)]
    for day in answer["days"]:
        expected = headline(store.reader(), Scope("leadership", "450403"), dt.date.fromisoformat(day["day"]))
        for figure, value in expected.items():
            if figure.startswith("checkpoint_"):
                continue
            assert day[figure] == (value or 0), (day["day"], figure)
    vehicles_that_day = store.reader().execute(
        "SELECT count(*) FROM checkpoint_vehicle_checks v JOIN checkpoints c USING (checkpoint_id)"
        " WHERE c.district_code = '450403' AND CAST(v.checked_at AS DATE) = DATE '2020-03-29'").fetchone()[0]
    assert answer["days"][-1]["checkpoint_vehicles"] == vehicles_that_day


def test_the_default_day_is_the_latest_with_data_and_bad_parameters_are_400(demo_api):
    http, store, token = demo_api
    latest = store.reader().execute("SELECT CAST(max(data_to) AS DATE) FROM batches").fetchone()[0]
    answer = http.get("/api/v1/figures/headline", headers=bearer(token)).get_json()
    assert answer["as_of"] == min(latest, dt.date(2020, 4, 30)).isoformat()
    for query in ("area=45", "area=x450403", "as_of=2020-13-01"):
        assert conforms(http, http.get(f"/api/v1/figures/headline?{query}", headers=bearer(token)),
                        "/api/v1/figures/headline")["error"]

"""态势总览 in Chromium: loads clean, the map draws quickly, a click drills down, the date moves cards and chart,
play replays, the language switch relabels."""
import datetime as dt
import time

import pytest

from queries.period import data_period

from tests.browser.helpers import open_page, screenshot, severe_errors, wait_for_map, wait_until

pytestmark = pytest.mark.browser


def card_value(duo, key: str) -> str:
    """The card's value as shown (read in one script: cards are redrawn under the test's feet)."""
    return duo.driver.execute_script(f"const e = document.getElementById('card-{key}-value'); "
                                     "return e ? e.textContent : null;")


def daily_last_day(duo) -> str:
    return duo.driver.execute_script(
        "const gd = document.querySelector('#ov-daily .js-plotly-plot');"
        "return gd && gd.data.length ? String(gd.data[0].x[gd.data[0].x.length - 1]).slice(0, 10) : null;")


def map_locations(duo) -> list:
    return duo.driver.execute_script(
        "return Array.from(document.querySelector('#ov-map .js-plotly-plot').data[0].locations);")


def click_map_at(duo, graph_id: str, lon: float, lat: float, kinds=("mouseMoved", "mouseMoved", "mousePressed",
                                                                      "mouseReleased")) -> None:
    """A real mouse move and click (Chrome DevTools input events) on the map at lon/lat, the map scrolled to the
    middle of the window first (as a user would: the point may lie below the fold on a smaller screen)."""
    x, y = duo.driver.execute_script("""
        document.getElementById('%s').scrollIntoView({block: 'center'});
        const gd = document.querySelector('#%s .js-plotly-plot');
        const m = gd._fullLayout.map._subplot.map;
        const box = m.getCanvas().getBoundingClientRect();
        const p = m.project([arguments[0], arguments[1]]);
        return [box.left + p.x, box.top + p.y];""" % (graph_id, graph_id), lon, lat)
    for kind in kinds:
        duo.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x + (kind == "mouseMoved"),
                                                                "y": y, "button": "left", "clickCount": 1})
        time.sleep(0.15)


def test_loads_clean_and_draws_the_map(browser):
    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    wait_until(lambda: browser.find_elements("#card-abroad-value"), message="cards")
    wait_until(lambda: daily_last_day(browser), message="daily chart")
    assert severe_errors(browser) == []
    assert len(map_locations(browser)) == 7
    fetched = browser.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in fetched if "/dash_ag_grid/" in url]      # no grid here: its script is not run
    screenshot(browser, "overview")


def test_clicking_a_district_drills_down_to_its_townships(browser, boundaries):
    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    district = boundaries.districts.set_index("code").loc["450403"]
    point = district.geometry.representative_point()
    click_map_at(browser, "ov-map", point.x, point.y)
    wait_until(lambda: all(c.startswith("450403") and len(c) == 9 for c in map_locations(browser)),
               message="townships of 450403 on the map")
    wait_until(lambda: district["name"] in browser.find_element("#ov-crumbs").text, message="breadcrumb")
    wait_for_map(browser, "ov-map")
    assert browser.find_element("#ov-generated").is_displayed()         # generated boundaries are marked
    screenshot(browser, "overview-district")
    browser.find_element("#ov-up").click()
    wait_until(lambda: len(map_locations(browser)) == 7, message="back to the districts")
    assert severe_errors(browser) == []


def days_before_the_latest(store, days: int) -> str:
    """The page opens on the latest day with data: the day `days` before it."""
    return str(data_period(store.reader()).latest - dt.timedelta(days=days))


def test_moving_the_date_changes_cards_and_chart_and_play_replays(browser, synthetic_store):
    open_page(browser, "/")
    latest, earlier = days_before_the_latest(synthetic_store, 0), days_before_the_latest(synthetic_store, 20)
    wait_until(lambda: daily_last_day(browser) == latest, message="chart at the latest day with data")
    before = card_value(browser, "released")
    handle = browser.find_element("#ov-day [role='slider']")
    handle.click()
    for _ in range(20):
        handle.send_keys("\ue012")                                   # arrow left: 20 days back
    wait_until(lambda: browser.find_element("#ov-day-label").text == earlier, message="label 20 days back")
    wait_until(lambda: daily_last_day(browser) == earlier, message="chart follows the date")
    wait_until(lambda: card_value(browser, "released") != before, message="cards follow the date")
    assert earlier in browser.find_element("#card-released").text
    browser.find_element("#ov-play").click()
    wait_until(lambda: browser.find_element("#ov-day-label").text >= days_before_the_latest(synthetic_store, 18),
               timeout=10, message="replay")
    browser.find_element("#ov-play").click()                            # pause
    assert severe_errors(browser) == []


def test_the_language_switch_relabels_every_label(browser):
    open_page(browser, "/")
    browser.find_element("#lang-en").click()
    wait_until(lambda: browser.find_element("#app-title").text == "Wuzhou closed-loop situation map",
               message="English title")
    open_page(browser, "/")
    wait_until(lambda: browser.find_elements("#card-abroad"), message="cards")
    assert "Abroad now" in browser.find_element("#card-abroad").text
    assert browser.find_element("#nav-export").text == "Analyst export"
    assert "Up one level" in browser.find_element("#ov-up").text
    wait_for_map(browser, "ov-map")
    screenshot(browser, "overview-en")
    browser.find_element("#nav-feeds").click()                           # the choice follows navigation
    wait_until(lambda: "Data channels" in browser.find_element("#page").text, message="English feeds page")
    browser.find_element("#lang-zh").click()
    wait_until(lambda: browser.find_element("#app-title").text == "梧州市境外输入闭环管控态势图", message="Chinese")
    assert severe_errors(browser) == []


def map_traces(duo) -> list:
    """name, visible and number of points of each trace of the overview map."""
    return duo.driver.execute_script(
        "return document.querySelector('#ov-map .js-plotly-plot').data.map("
        "d => [d.name, d.visible === undefined ? true : d.visible, (d.locations || d.lon || []).length]);")


def alert_total(duo) -> int:
    """The alerts counted by the alert point layer (the sum of its places' counts)."""
    return duo.driver.execute_script(
        "const d = document.querySelector('#ov-map .js-plotly-plot').data[3];"
        "return (d.customdata || []).reduce((n, c) => n + c[1], 0);")


def click_option(duo, control: str, label: str) -> None:
    duo.driver.find_element("xpath", f"//*[@id='{control}']//label[contains(., '{label}')]").click()


def test_risk_metric_and_the_loop_point_layers(browser, synthetic_store):
    """Risk on the map (districts by their communities at medium or high risk), the alert and case layers
    (off at first) turned on, the date moved: every step redraws without a console error."""
    from pages.i18n import t

    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    severe_errors(browser)                                               # start clean
    click_option(browser, "ov-metric", t("metric.risk"))
    wait_until(lambda: t("legend.risk.areas") in browser.find_element("#ov-legend").text, message="risk legend")
    wait_until(lambda: t("metric.risk.areas") in browser.driver.execute_script(
        "return document.querySelector('#ov-map .js-plotly-plot').data[0].hovertemplate;"), message="risk hover")
    assert [n for n, _, _ in map_traces(browser)][3:6] == [t("layer.alerts"), t("layer.cases_imported"),
                                                          t("layer.cases_local")]
    click_option(browser, "ov-points", t("layer.alerts"))
    wait_until(lambda: map_traces(browser)[3][1] is True and map_traces(browser)[3][2] > 0, message="alerts shown")
    click_option(browser, "ov-points", t("layer.cases_imported"))
    click_option(browser, "ov-points", t("layer.cases_local"))
    wait_until(lambda: [v for _, v, _ in map_traces(browser)[4:6]] == [True, True], message="cases shown")
    before = alert_total(browser)
    handle = browser.find_element("#ov-day [role='slider']")
    handle.click()
    for _ in range(40):
        handle.send_keys("\ue012")                                   # arrow left: 40 days back
    earlier = days_before_the_latest(synthetic_store, 40)
    wait_until(lambda: browser.find_element("#ov-day-label").text == earlier, message="label 40 days back")
    wait_until(lambda: 0 < alert_total(browser) < before, message="fewer alerts 40 days earlier")
    wait_for_map(browser, "ov-map")
    wait_until(lambda: "脱管" in browser.find_element("#ov-funnel").text, message="leaks in the funnel")
    assert severe_errors(browser) == []
    screenshot(browser, "overview-risk")


SPY_SOURCES = """
const gd = document.querySelector('#ov-map .js-plotly-plot');
const m = gd._fullLayout.map._subplot.map;
window.__sets = {};
window.__sent = {};
Object.keys(m.getStyle().sources).forEach(id => {
  const source = m.getSource(id);
  if (source.type !== 'geojson' || source.__spied) { return; }
  const setData = source.setData;
  source.__spied = true;
  source.setData = function (data) {
    window.__sets[id] = (window.__sets[id] || 0) + 1;
    window.__sent[id] = (data.features || []).length;
    return setData.apply(this, arguments);
  };
});
return gd._fullData.map(t => t.uid);
"""


def test_a_recolour_resends_only_the_areas_and_a_moved_date_the_points_that_changed(browser, synthetic_store):
    """Plotly re-sets every map trace's source on any change; the project's build sends a point trace again
    only when its points changed (bundle/plotly-wuzhou.js): a metric switch re-sends the areas, not the
    checkpoints, sites or names; a moved date re-sends the alerts, and the map holds the new ones."""
    from pages.i18n import t

    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    click_option(browser, "ov-points", t("layer.alerts"))
    wait_until(lambda: map_traces(browser)[3][1] is True and map_traces(browser)[3][2] > 0, message="alerts shown")
    wait_for_map(browser, "ov-map")
    uids = browser.driver.execute_script(SPY_SOURCES)
    click_option(browser, "ov-metric", t("metric.in_quarantine"))
    wait_until(lambda: t("metric.in_quarantine") in browser.find_element("#ov-legend").text, message="new legend")
    wait_for_map(browser, "ov-map")
    sets = browser.driver.execute_script("return window.__sets;")
    assert sets.get(f"source-{uids[0]}", 0) >= 1                        # the areas, recoloured
    unchanged = [source for source in sets if any(source.startswith(f"source-{uid}-") for uid in uids[1:])]
    assert unchanged == []                                               # no point trace was sent again

    handle = browser.find_element("#ov-day [role='slider']")
    handle.click()
    for _ in range(40):
        handle.send_keys("\ue012")                                   # arrow left: 40 days back
    wait_until(lambda: browser.find_element("#ov-day-label").text == days_before_the_latest(synthetic_store, 40),
               message="label 40 days back")
    wait_for_map(browser, "ov-map")
    alerts_source = f"source-{uids[3]}-circle"
    wait_until(lambda: browser.driver.execute_script("return window.__sets;").get(alerts_source, 0) >= 1,
               message="the alerts re-sent")
    places = browser.driver.execute_script(
        "return document.querySelector('#ov-map .js-plotly-plot').data[3].lon.length;")
    assert browser.driver.execute_script("return window.__sent;")[alerts_source] == places
    assert severe_errors(browser) == []


def rendered_names(duo, graph_id: str = "ov-map") -> set:
    """The texts maplibre has actually drawn on the map (its symbol layers' rendered features)."""
    return set(duo.driver.execute_script("""
        const m = document.querySelector('#%s .js-plotly-plot')._fullLayout.map._subplot.map;
        const ids = m.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
        return m.queryRenderedFeatures({layers: ids}).map(f => f.properties.text || f.properties.name || '');
    """ % graph_id))


def test_a_click_on_a_marker_over_a_district_still_drills(browser, boundaries):
    """Checkpoints and quarantine sites are on at first: a click that lands on one of their markers drills into
    the district under it (it used to be swallowed: curveNumber 1 or 2), and the marker keeps its hover."""
    from pages.i18n import t

    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    lon, lat = browser.driver.execute_script(
        "const d = document.querySelector('#ov-map .js-plotly-plot').data[2]; return [d.lon[0], d.lat[0]];")
    import shapely
    district = next(code for code, geom in zip(boundaries.districts["code"], boundaries.districts.geometry)
                    if geom.contains(shapely.Point(lon, lat)))
    click_map_at(browser, "ov-map", lon, lat, kinds=("mouseMoved", "mouseMoved"))
    wait_until(lambda: t("layer.sites") in " ".join(e.text for e in browser.find_elements("#ov-map .hovertext")),
               message="the marker's hover")
    click_map_at(browser, "ov-map", lon, lat)
    wait_until(lambda: all(c.startswith(district) and len(c) == 9 for c in map_locations(browser)),
               message=f"townships of {district} after a click on a marker")
    assert severe_errors(browser) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_area_names_are_drawn_on_the_map_offline(browser, boundaries, lang):
    """The districts' names, then a district's townships' names, are drawn on the map from the browser's own
    fonts: no request leaves the app (no glyph or tile server), in either language."""
    open_page(browser, f"/?lang={lang}")
    wait_for_map(browser, "ov-map")
    names = set(boundaries.districts["name"])
    wait_until(lambda: len(rendered_names(browser) & names) >= 5, message="district names drawn")
    point = boundaries.districts.set_index("code").loc["450403"].geometry.representative_point()
    click_map_at(browser, "ov-map", point.x, point.y)
    wait_until(lambda: len(map_locations(browser)) and all(c.startswith("450403") for c in map_locations(browser)),
               message="townships of 450403")
    wait_for_map(browser, "ov-map")
    towns = set(boundaries.townships.loc[boundaries.townships["district_code"] == "450403", "name"])
    wait_until(lambda: len(rendered_names(browser) & towns) >= len(towns) // 2, message="township names drawn")
    layers = browser.driver.execute_script("""
        const m = document.querySelector('#ov-map .js-plotly-plot')._fullLayout.map._subplot.map;
        return m.getStyle().layers.map(l => l.type);""")
    assert "line" in layers                                              # the neighbouring districts' outlines
    origin = browser.server.url.rstrip("/")
    fetched = browser.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in fetched if not url.startswith(origin) and not url.startswith("blob:")] == []
    assert severe_errors(browser) == []
    screenshot(browser, f"overview-names-{lang}")


def daily_ticks(duo) -> list[str]:
    """The y-axis tick labels the daily chart has drawn (its SVG text)."""
    return [e.text for e in duo.find_elements("#ov-daily .ytick text") if e.text]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_daily_chart_small_multiples_in_whole_people_with_the_date_marked(browser, boundaries, lang,
                                                                          synthetic_store):
    """At township level (small counts, where the chart once showed 410.1 people on a clipped second axis):
    one panel per quantity, every tick a whole number, new entries with their 7-day average, the date marked."""
    from pages.i18n import t

    open_page(browser, f"/?lang={lang}")
    wait_for_map(browser, "ov-map")
    point = boundaries.districts.set_index("code").loc["450403"].geometry.representative_point()
    click_map_at(browser, "ov-map", point.x, point.y)
    wait_until(lambda: all(len(c) == 9 for c in map_locations(browser)), message="townships")
    wait_for_map(browser, "ov-map")
    town = boundaries.townships[boundaries.townships["district_code"] == "450403"].iloc[0]
    inner = town.geometry.representative_point()
    click_map_at(browser, "ov-map", inner.x, inner.y)
    wait_until(lambda: all(len(c) == 12 for c in map_locations(browser)), message="communities")
    text = wait_until(lambda: browser.find_element("#ov-daily").text, message="chart drawn")
    for key in ("new_entries", "average_7d", "entered", "abroad", "in_quarantine"):
        if key != "average_7d":
            wait_until(lambda: t(f"panel.{key}", lang) in browser.find_element("#ov-daily").text,
                       message=f"panel {key}")
    ticks = wait_until(lambda: daily_ticks(browser), message="ticks")
    assert all(tick.replace(",", "").lstrip("−-").isdigit() for tick in ticks), ticks
    axes = browser.driver.execute_script(
        "const gd = document.querySelector('#ov-daily .js-plotly-plot');"
        "return Object.keys(gd._fullLayout).filter(k => /^yaxis\\d*$/.test(k)).map(k => !!gd._fullLayout[k].overlaying);")
    assert len(axes) == 4 and not any(axes)
    assert days_before_the_latest(synthetic_store, 0) in text            # the selected date, marked
    assert browser.driver.execute_script(
        "return document.querySelector('#ov-daily .js-plotly-plot').data.map(d => d.type).includes('bar');")
    assert severe_errors(browser) == []
    browser.driver.execute_script("document.getElementById('ov-daily').scrollIntoView()")
    screenshot(browser, f"overview-daily-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_stamps_each_channel_group_and_names_the_stale_feed(browser, lang):
    """The overview says, per group of channels, how recent its data is and when it was last received, and
    warns by name about the channel that stopped sending (the synthetic university registry, after 03-10),
    which only the Feeds page used to flag."""
    from pages.i18n import t

    open_page(browser, f"/?lang={lang}")
    stamp = wait_until(lambda: browser.find_elements("#ov-fresh"), message="freshness stamp")[0]
    assert t("fresh.group.people", lang) in stamp.text and "2020-02-28 00:00" in stamp.text   # the newest batch
    warning = browser.find_element("#ov-stale")
    assert warning.is_displayed() and t("channel.university", lang) in warning.text
    assert "university_015.csv" in warning.text                          # the feed's last file, named
    assert t("channel.hotel", lang) not in warning.text                  # a channel on time is not flagged
    assert severe_errors(browser) == []


TALLY = ("rumours", "educated", "detained", "fined")


def headline_of(store, code: str | None) -> dict:
    """The headline figures as `app.py figures` computes them (queries.figures.headline), as of 03-29."""
    import datetime as dt

    import duckdb

    from queries.figures import headline
    from queries.runner import Scope

    scope = Scope("system", district_code=code)
    with duckdb.connect(str(store.current_path()), read_only=True) as conn:
        return headline(conn, scope, dt.date(2020, 3, 29))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_the_rumour_and_enforcement_tally_with_its_trend(browser, boundaries, synthetic_store, lang):
    """Rumour cases and the people educated, detained and fined over them, as `app.py figures` counts them,
    for the city and for a district, with a chart of rumour cases per week."""
    from pages.i18n import t

    open_page(browser, f"/?lang={lang}")
    wait_for_map(browser, "ov-map")
    city = headline_of(synthetic_store, None)
    assert city["rumours"] > 0
    for key in TALLY:
        wait_until(lambda: browser.find_element(f"#tally-{key}-value").text == f"{city[key]:,}",
                   message=f"city {key}")
        assert t(f"card.{key}", lang) in browser.find_element(f"#tally-{key}").text
    bars = browser.driver.execute_script(
        "const gd = document.querySelector('#ov-tally-trend .js-plotly-plot');"
        "return gd.data[0].y.reduce((a, b) => a + b, 0);")
    assert bars == city["rumours"]                                        # the weekly bars add up to the tally
    point = boundaries.districts.set_index("code").loc["450403"].geometry.representative_point()
    click_map_at(browser, "ov-map", point.x, point.y)
    district = headline_of(synthetic_store, "450403")
    assert district["rumours"] != city["rumours"]
    wait_until(lambda: browser.find_element("#tally-rumours-value").text == f"{district['rumours']:,}",
               message="the district's tally")
    assert severe_errors(browser) == []


def test_picking_a_community_shows_its_own_cards(browser, boundaries):
    """District, township, then a click on a community: the cards change to the community's own figures (the
    value the map shows for it), where they used to stay the township's."""
    open_page(browser, "/")
    wait_for_map(browser, "ov-map")
    for level, length in ((boundaries.districts, 9), (boundaries.townships, 12)):
        code = "450403" if length == 9 else "450403005"
        point = level.set_index("code").loc[code].geometry.representative_point()
        click_map_at(browser, "ov-map", point.x, point.y)
        wait_until(lambda: all(len(c) == length for c in map_locations(browser)), message=f"level {length}")
        wait_for_map(browser, "ov-map")
    township_value = card_value(browser, "abroad")
    shown = browser.driver.execute_script(
        "const d = document.querySelector('#ov-map .js-plotly-plot').data[0];"
        "return Array.from(d.locations).map((c, i) => [c, d.customdata[i][1]]);")
    code, value = next((c, v) for c, v in shown if f"{v:,}" != township_value)
    point = boundaries.communities.set_index("code").loc[code].geometry.representative_point()
    click_map_at(browser, "ov-map", point.x, point.y)
    wait_until(lambda: card_value(browser, "abroad") == f"{value:,}", message="the community's own card")
    name = boundaries.communities.set_index("code").loc[code, "name"]
    assert name in browser.find_element("#ov-crumbs").text
    assert severe_errors(browser) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_legend_and_ranking_name_metric_unit_and_date(browser, lang, synthetic_store):
    from pages.i18n import t

    open_page(browser, f"/?lang={lang}")
    wait_for_map(browser, "ov-map")
    for box in ("#ov-legend", "#ov-ranked"):
        caption = wait_until(lambda: "".join(e.text for e in browser.find_elements(f"{box} .caption")),
                             message=f"{box} caption")
        assert t("metric.abroad", lang) in caption and t("unit.people", lang) in caption, caption
        assert days_before_the_latest(synthetic_store, 0) in caption
    click_option(browser, "ov-metric", t("metric.checkpoint_volume", lang))
    wait_until(lambda: t("unit.checks", lang) in browser.find_element("#ov-legend .caption").text,
               message="the unit follows the metric")
    assert severe_errors(browser) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_card_links_to_its_definition_in_words(browser, lang):
    """Every card (the headline and the tally) carries a link to the definitions panel, which holds each
    figure's definition in words (they used to be hidden in hover titles)."""
    from pages.i18n import t
    from pages.overview import CARDS
    from pages.tally import TALLY

    open_page(browser, f"/?lang={lang}")
    wait_until(lambda: browser.find_elements("#card-abroad") and browser.find_elements("#tally-rumours"),
               message="cards")
    panel = browser.find_element("#ov-definitions")
    for key in (*CARDS, *TALLY):
        assert t(f"card.{key}.def", lang) in panel.get_attribute("textContent"), key
    for card_id, key in (("card-released", "released"), ("tally-fined", "fined")):
        wait_until(lambda c=card_id: browser.find_element(f"#{c} a.card-def-link").click() or True,   # re-rendered
                   message=f"the link of {card_id}")
        wait_until(lambda: browser.driver.execute_script(
            f"const r = document.getElementById('def-{key}').getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;"), message=f"definition of {key} in view")
        wait_until(lambda: t(f"card.{key}.def", lang) in browser.find_element(f"#def-{key}").text,   # re-rendered
                   message=f"definition of {key} in words")
    assert severe_errors(browser) == []

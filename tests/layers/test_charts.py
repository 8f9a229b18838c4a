"""Charts: daily counts, the funnel, checkpoint heat maps."""
import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from layers import charts


def daily_frame(days=20):
    day = pd.date_range("2020-01-20", periods=days)
    entered = np.cumsum(np.arange(days) % 3)
    return pd.DataFrame({"day": day, "abroad": 400 - entered, "entered": entered,
                         "in_quarantine": np.minimum(entered, 3)})


def axes(layout, kind):
    return {k: v for k, v in layout.items() if k.startswith(kind)}


def test_daily_panels_give_each_quantity_its_own_axis_in_whole_people():
    frame = daily_frame()
    figure = charts.daily_panels(frame, dt.date(2020, 2, 3), (dt.date(2020, 1, 20), dt.date(2020, 4, 30)),
                                 {k: k for k in charts.PANEL_LABELS})
    fig = go.Figure(figure)                                                   # a valid figure
    yaxes = axes(figure["layout"], "yaxis")
    assert len(yaxes) == len(charts.PANELS) and not any("overlaying" in a for a in yaxes.values())
    assert len({t.yaxis or "y" for t in fig.data}) == len(charts.PANELS)     # one quantity per axis
    for axis in yaxes.values():                                               # whole people: integer steps
        assert axis["tickformat"] == ",d" and axis["dtick"] >= 1 and float(axis["dtick"]).is_integer()
    small = charts.integer_axis(3)
    assert small["dtick"] == 1 and small["range"][0] == 0


def test_daily_new_entries_beside_the_cumulative_with_a_seven_day_average():
    frame = daily_frame()
    figure = charts.daily_panels(frame, dt.date(2020, 2, 3), (dt.date(2020, 1, 20), dt.date(2020, 4, 30)),
                                 {k: k for k in charts.PANEL_LABELS})
    by_name = {t["name"]: t for t in figure["data"]}
    new, average, total = by_name["new_entries"], by_name["average_7d"], by_name["entered"]
    assert new["type"] == "bar" and new["y"] == np.diff(frame["entered"], prepend=0).tolist()
    assert sum(new["y"]) == total["y"][-1]
    assert average["y"][:6] == [None] * 6
    assert average["y"][6] == pytest.approx(np.mean(new["y"][:7]))
    assert new["yaxis"] == average["yaxis"] != total["yaxis"]


def test_the_selected_date_is_marked_on_every_panel_and_the_period_fixes_the_axis():
    frame = daily_frame()
    figure = charts.daily_panels(frame, dt.date(2020, 2, 3), (dt.date(2020, 1, 20), dt.date(2020, 4, 30)),
                                 {k: k for k in charts.PANEL_LABELS})
    lines = [s for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert {s["x0"] for s in lines} == {"2020-02-03"} and len({s["xref"] for s in lines}) == 2
    xaxes = axes(figure["layout"], "xaxis")
    assert all(a.get("range", xaxes["xaxis"]["range"]) == ["2020-01-20", "2020-04-30"] for a in xaxes.values())


def test_funnel_keeps_the_stage_order():
    fig = go.Figure(charts.funnel([("境外", 10), ("入境", 8), ("抵梧", 7), ("隔离", 6), ("解除", 2)]))
    assert list(fig.data[0].y) == ["境外", "入境", "抵梧", "隔离", "解除"]
    assert list(fig.data[0].x) == [10, 8, 7, 6, 2]


def test_checkpoint_heat_maps_hold_every_check():
    frame = pd.DataFrame({"checkpoint_id": ["a", "a", "b"], "name": ["站A", "站A", "站B"],
                          "day": [dt.date(2020, 2, 1), dt.date(2020, 2, 2), dt.date(2020, 2, 1)],
                          "vehicles": [5, 6, 7], "persons": [1, 2, 3]})
    fig = go.Figure(charts.checkpoint_days(frame, {"vehicles": "车辆", "persons": "人员"}))   # a valid figure
    assert len(fig.data) == 2
    assert np.sum(fig.data[0].z) == 18 and np.sum(fig.data[1].z) == 6
    assert list(fig.data[0].y) == ["站A", "站B"]


def test_weekly_new_counts_add_up_to_the_running_total():
    days = pd.date_range("2020-01-20", periods=21).date                 # a Monday, three weeks
    running = pd.Series(np.cumsum([1, 0, 0, 2, 0, 0, 0] + [0] * 7 + [0, 0, 0, 0, 0, 0, 4]), index=days)
    figure = charts.weekly_new(running, "per week")
    go.Figure(figure)
    assert figure["data"][0]["x"] == ["2020-01-20", "2020-01-27", "2020-02-03"]
    assert figure["data"][0]["y"] == [3, 0, 4]
    assert charts.weekly_new(running.iloc[:0], "none")["data"][0]["y"] == []

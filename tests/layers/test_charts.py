"""Charts: daily counts, the funnel, checkpoint heat maps."""
import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers import charts


def test_daily_counts_draw_one_line_per_series_ending_on_the_last_day():
    days = pd.date_range("2020-01-20", periods=5)
    frame = pd.DataFrame({"day": days, "abroad": [5, 4, 4, 3, 2], "entered": [0, 1, 1, 2, 3],
                          "in_quarantine": [0, 0, 1, 1, 2]})
    fig = go.Figure(charts.daily_counts(frame, {k: k for k in charts.SERIES_COLOURS}))
    assert [t.name for t in fig.data] == ["abroad", "entered", "in_quarantine"]
    assert fig.data[0].yaxis == "y2" and fig.data[1].y[-1] == 3


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

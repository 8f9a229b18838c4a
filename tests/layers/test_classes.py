"""Colour classes: quantile and natural breaks over counts, stepped colours by class index."""
import numpy as np
import pytest

from layers.classes import EMPTY, PALETTE, choropleth_colours, classify, natural_bounds


@pytest.mark.parametrize("method", ("quantile", "natural"))
def test_every_value_falls_in_one_class(method):
    values = np.array([0, 0, 0, 1, 2, 5, 9, 30, 31, 100])
    classes = classify(values, method)
    index = classes.index(values)
    assert index.min() == 0 and index.max() == len(classes.bounds) - 1
    assert sum(classes.counts) == len(values)
    assert list(np.bincount(index, minlength=len(classes.bounds))) == list(classes.counts)
    assert classes.bounds[-1] == 100


def test_natural_breaks_find_obvious_groups():
    values = np.array([1, 2, 2, 3, 50, 51, 52, 200, 201])
    assert natural_bounds(values, 3) == [3, 52, 201]


def test_all_equal_values_make_one_grey_class():
    classes = classify([0, 0, 0])
    assert classes.bounds == (0.0,) and classes.colours == (EMPTY,)
    assert classify([]).counts == (0,)


def test_colour_scale_has_one_flat_step_per_class():
    classes = classify(np.arange(100), "quantile")
    style = choropleth_colours(classes)
    n = len(classes.bounds)
    assert (style["zmin"], style["zmax"]) == (-0.5, n - 0.5)
    assert style["colorscale"][0] == [0.0, PALETTE[0]] and style["colorscale"][-1] == [1.0, PALETTE[-1]]
    positions = [p for p, _ in style["colorscale"]]
    assert positions == sorted(positions)


def test_legend_spans_whole_counts():
    legend = classify([0, 0, 0, 1, 2, 5, 9, 30, 31, 100], "quantile").legend()
    assert [span for _, span, _ in legend] == ["0", "1", "2–9", "10–30", "31–100"]

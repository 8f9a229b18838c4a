"""身份复核 (identity review) in Chromium, in Chinese and in English: police see their jurisdiction's pairs only,
each pair side by side with its fields' match weights; a confirm merges the two persons (the figures follow), a
split undoes it, a reject keeps them apart; every decision audited."""
import json

import pytest

from pages.server import create_app
from queries.runner import Scope, run
from tests.browser.helpers import logged_in_as, open_page, screenshot, severe_errors, started, wait_until
from tests.queries.synthetic import build_city

pytestmark = pytest.mark.browser
WEIGHTS = {"name": 8.2, "birth": -3.1, "document": 0.0, "phone": 6.4, "address": 1.5}


@pytest.fixture(scope="module")
def review_city(tmp_path_factory, boundaries):
    """The synthetic city with four review pairs: two of persons living in 万秀区 (450403), two in 长洲区."""
    store = build_city(tmp_path_factory.mktemp("identity") / "store", boundaries)
    with store.writer() as conn:
        for n, district in enumerate(("450403", "450403", "450405", "450405")):
            a, b = conn.execute("SELECT person_id FROM persons WHERE district_code = ? AND person_id % 10 <> 0"
                                " ORDER BY person_id"
                                " LIMIT 2 OFFSET ?", [district, 2 * n]).fetchall()
            conn.execute("INSERT INTO identity_review VALUES (?, 'police', ?, ?, ?, ?, 'model', 'open', ?)",
                         [90 + n, a[0], a[0], b[0], 0.5 + n / 10, json.dumps(WEIGHTS)])
    return store


@pytest.fixture(scope="module")
def identity_browser(review_city, app_config):  # noqa: F811
    with started(create_app(review_city, app_config), app_config.state_path, "police", "450403") as duo:
        duo.store = review_city
        yield duo


def _rows(duo):
    return duo.find_elements("#id-pairs .ag-center-cols-container .ag-row")


def _audited(state_path, action):
    import sqlite3
    with sqlite3.connect(state_path) as db:
        return db.execute("SELECT count(*) FROM audit WHERE action = ? AND outcome = 'ok'", [action]).fetchone()[0]


def test_police_confirm_a_merge_and_split_it_in_chinese(identity_browser, app_config):
    duo, store = identity_browser, identity_browser.store
    entered = "SELECT count(DISTINCT person_id) FROM abroad"
    persons_before = store.reader().execute(entered).fetchone()[0]
    mine = run(store.reader(), "identity_review", Scope("police", "450403"))
    assert len(mine) == 2 and len(run(store.reader(), "identity_review", Scope("analyst"))) == 4
    open_page(duo, "/identity")
    wait_until(lambda: len(_rows(duo)) == 2, message="the jurisdiction's two pairs listed")
    assert duo.find_element("#id-count").text == "共 2 对"
    _rows(duo)[0].click()
    wait_until(lambda: duo.find_elements("#id-pair-table"), message="the pair side by side")
    assert f"{mine['score'].max():.3f}" in duo.find_element("#id-probability").text
    assert duo.find_element("#id-weight-name").text == "+8.2" and duo.find_element("#id-weight-birth").text == "-3.1"
    assert "匹配权重" in duo.find_element("#id-pair-table").text and "*" in duo.find_element("#id-pair-table").text
    screenshot(duo, "identity-zh")
    duo.find_element("#id-confirm").click()
    wait_until(lambda: duo.find_element("#id-status").text == "已合并。", message="merged")
    wait_until(lambda: len(_rows(duo)) == 1, message="the pair leaves the queue")
    assert store.reader().execute(entered).fetchone()[0] == persons_before - 1      # the figures follow
    merges = wait_until(lambda: duo.find_elements("#id-merges .ag-center-cols-container .ag-row"),
                        message="the merge listed")
    merges[0].click()
    duo.find_element("#id-split").click()
    wait_until(lambda: duo.find_element("#id-split-status").text == "已拆分。", message="split")
    assert store.reader().execute(entered).fetchone()[0] == persons_before
    assert _audited(app_config.state_path, "identity.confirm") == 1
    assert _audited(app_config.state_path, "identity.split") == 1
    assert severe_errors(duo) == []


def test_an_analyst_rejects_a_pair_in_english(identity_browser, app_config):
    duo = identity_browser
    with logged_in_as(duo, "analyst"):
        open_page(duo, "/identity?lang=en")
        wait_until(lambda: duo.find_element("#id-count").text == "3 pairs", message="the city's open pairs")
        assert "Pairs to review" in duo.find_element("#page").text
        _rows(duo)[0].click()
        wait_until(lambda: "Match probability" in duo.find_element("#id-card").text, message="the pair in English")
        assert "Match weight" in duo.find_element("#id-pair-table").text
        screenshot(duo, "identity-en")
        duo.find_element("#id-reject").click()
        wait_until(lambda: duo.find_element("#id-status").text == "Kept apart.", message="kept apart")
        wait_until(lambda: duo.find_element("#id-count").text == "2 pairs", message="the pair leaves the queue")
        assert _audited(app_config.state_path, "identity.reject") == 1
        assert severe_errors(duo) == []

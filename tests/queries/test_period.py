"""The period is the store's: first to latest day with an event, today for a store without any; `app.py figures`
defaults to its latest day; a wrong configuration names its file and key."""
import datetime as dt
import json

import pytest

import settings
from queries.period import data_period
from tests.shifted import configured


def test_a_store_without_events_spans_today(city_store):
    period = data_period(city_store.reader(), today=dt.date(2031, 5, 6))
    assert (period.start, period.end, period.latest, period.days) == (dt.date(2031, 5, 6),) * 3 + (1,)


def test_the_synthetic_period_is_its_first_and_latest_event(synthetic_store):
    conn = synthetic_store.reader()
    period = data_period(conn)
    first, last = conn.execute("""SELECT min(d), max(d) FROM (
        SELECT entry_date AS d FROM border_entries UNION ALL SELECT CAST(arrived_at AS DATE) FROM arrivals
        UNION ALL SELECT CAST(checked_at AS DATE) FROM checkpoint_vehicle_checks
        UNION ALL SELECT CAST(coalesce(released_at, start_at) AS DATE) FROM quarantines)""").fetchone()
    assert period.start <= first and period.end >= last
    assert period.clamp(dt.date(1999, 1, 1)) == period.start and period.clamp(dt.date(2099, 1, 1)) == period.end


def test_figures_default_to_the_latest_day_with_data(synthetic_store, capsys):
    from app import main

    assert main(["figures", "--db", str(synthetic_store.root), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["as_of"] == str(data_period(synthetic_store.reader()).latest)


def test_a_wrong_setting_names_its_file_and_key(tmp_path):
    (tmp_path / "policy.toml").write_text('[deadlines]\narrive_hours = "two days"\n', encoding="utf-8")
    with configured(tmp_path), pytest.raises(settings.ConfigError, match=r"policy.toml: \[deadlines\] arrive_hours"):
        from loop.deadlines import Deadlines
        Deadlines.configured()
    with configured(tmp_path / "missing"), pytest.raises(settings.ConfigError, match="no such configuration file"):
        settings.city()

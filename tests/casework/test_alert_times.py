"""Alerts carry the event's time (issue 16, item 5): the student's return alert is his arrival at the station, not
the time the first channel's file reported him."""
import datetime as dt

from demo.stories import STUDENT_HOME
from loop import alerts
from queries.runner import Scope


def test_the_return_alert_carries_the_arrival_time_and_keeps_the_report_time(demo_city):
    conn = demo_city[0].reader()
    person, arrived, reported = conn.execute(
        """SELECT p.person_id, min(r.arrived_at), any_value(a.raised_at) FROM persons p
           JOIN arrivals r USING (person_id) JOIN alerts a USING (person_id)
           WHERE p.name = '陈子轩' AND p.community_code = ? GROUP BY p.person_id""", [STUDENT_HOME]).fetchone()
    assert reported > arrived                      # the demo's first report came after the arrival
    found = alerts.collect(alerts.runner(conn), Scope("police", STUDENT_HOME[:6]), dt.date(2020, 3, 20))
    mine = found[(found["person_id"] == person) & (found["kind"] == "return")].iloc[0]
    assert (mine["raised_at"], mine["reported_at"]) == (arrived, reported)

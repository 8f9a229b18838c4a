"""Issue 18.5: names masked to at most half their characters (张*丰 for three), and person points sent to the
browser at their community's point, spread by the person's id, unless a police unmask clears that one person."""
import duckdb
import pandas as pd

from queries.runner import SPREAD, Scope, _mask, run
from tests.queries.test_loop_people import BASE

NAMES = {"张三": "张*", "张三丰": "张*丰", "欧阳小明": "欧阳**", "司马相如明": "司马***", "李": "李*",
         "爱新觉罗溥仪": "爱新觉***"}


def test_names_show_at_most_half_their_characters():
    conn = duckdb.connect()
    sql = f"SELECT {_mask('name', 'p.name', 'p', people=True)} FROM (SELECT 0 AS person_id, ? AS name) p"
    shown = {name: conn.execute(sql.replace("$reveal_person", "NULL"), [name]).fetchone()[0] for name in NAMES}
    assert shown == NAMES
    over = [n for n, m in shown.items() if len(n) != 3 and len(m.rstrip("*").replace("*", "")) > max(len(n) // 2, 1)]
    assert over == []


def test_person_points_are_their_communitys_unless_unmasked(synthetic_store):
    conn = synthetic_store.reader()
    homes = conn.execute("SELECT p.person_id, p.lon, p.lat, c.lon AS c_lon, c.lat AS c_lat FROM persons p"
                         " JOIN communities c ON c.code = p.community_code WHERE p.lon IS NOT NULL").df()
    people = run(conn, "loop_people", Scope("police", "450403"), **BASE)
    sent = people[["person_id", "lon", "lat"]].merge(homes, on="person_id", suffixes=("", "_home"))
    exact = int(((sent["lon"] == sent["lon_home"]) & (sent["lat"] == sent["lat_home"])).sum())
    near = ((sent["lon"] - sent["c_lon"]).abs() <= SPREAD / 2 + 1e-9) & ((sent["lat"] - sent["c_lat"]).abs() <= SPREAD / 2 + 1e-9)
    print(f"\npoints sent masked: {len(sent)} persons with a home point, {exact} exact, {int(near.sum())} at the community")
    assert len(sent) > 0 and exact == 0 and near.all()
    assert sent.groupby(["lon", "lat"]).size().max() < len(sent)          # spread, not stacked
    one = int(sent["person_id"].iloc[0])
    cleared = run(conn, "loop_people", Scope("police", "450403", reveal_person=one), **BASE).merge(homes, on="person_id", suffixes=("", "_home"))
    mine = cleared[cleared["person_id"] == one].iloc[0]
    assert (mine["lon"], mine["lat"]) == (mine["lon_home"], mine["lat_home"])
    assert not pd.isna(mine["lon"])

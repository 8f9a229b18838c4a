"""The report's stories are in the files: the Kuala Lumpur student, the family in 归义镇, the company back
from Japan."""
import pytest

from tests.demo.files import times


@pytest.fixture(scope="module")
def rows(feed_rows):
    names = ("abroad", "police_entries", "rail", "quarantine_checkins", "quarantine_temps", "quarantine_releases",
             "grid", "university")
    return {n: feed_rows(n) for n in names}


def _day(series):
    return times(series).dt.strftime("%Y-%m-%d").tolist()


def test_the_student_from_xinxing_first_road(rows):
    listed = rows["abroad"][(rows["abroad"]["city"] == "吉隆坡") & rows["abroad"]["name"].str.startswith("陈")]
    student = listed[listed["address"].str.contains("角嘴街道新兴社区新兴一路")]
    assert len(student) == 1 and student["doc_type"].iloc[0] == "护照"
    key = student["person_key"].iloc[0]
    entry = rows["police_entries"][rows["police_entries"]["person_key"] == key]
    assert _day(entry["entry_date"]) == ["2020-03-16"] and entry["port"].iloc[0] == "广州白云机场"
    rail = rows["rail"][rows["rail"]["person_key"] == key]
    assert _day(rail["seen_at"]) == ["2020-03-19"] and rail["place"].iloc[0] == "梧州南站"
    checkin = rows["quarantine_checkins"][rows["quarantine_checkins"]["person_key"] == key]
    assert checkin["quarantine_kind"].tolist() == ["集中隔离"] and _day(checkin["seen_at"]) == ["2020-03-19"]
    assert checkin["transfer_from"].iloc[0] == "梧州南站" and "转运专班" in checkin["transfer_team"].iloc[0]
    temps = rows["quarantine_temps"][rows["quarantine_temps"]["person_key"] == key]
    assert len(set(_day(temps["checked_at"]))) >= 14
    assert _day(rows["quarantine_releases"].loc[rows["quarantine_releases"]["person_key"] == key,
                                                "released_at"]) == ["2020-04-02"]
    assert key in set(rows["university"]["person_key"])


def test_the_family_in_home_quarantine_in_guiyi(rows):
    homes = rows["quarantine_checkins"]
    family = homes[(homes["quarantine_kind"] == "居家隔离") & homes["address"].str.contains("岑溪市归义镇")
                   & (times(homes["seen_at"]).dt.strftime("%Y-%m-%d") == "2020-03-17")]
    assert len(family) == 3
    assert set(family["doc_type"]) & {"回乡证", "港澳居民来往内地通行证"}
    baby = family[family["doc_number"].str.slice(6, 14) == "20200210"]
    assert len(baby) == 1
    temps = rows["quarantine_temps"]
    for key in family["person_key"]:
        readings = temps[temps["person_key"] == key]
        assert len(readings) >= 14 and readings["temperature"].astype(float).max() < 37.3
    arrivals = rows["rail"][rows["rail"]["person_key"].isin(family["person_key"])]
    assert set(arrivals["place"]) == {"岑溪站"} and set(_day(arrivals["seen_at"])) == {"2020-03-17"}
    grid = rows["grid"][rows["grid"]["person_key"].isin(family["person_key"])]
    assert "居家隔离：每日体温检测、代购生活用品" in set(grid["measure"])


def test_the_company_back_from_japan_released_on_march_20(rows, feed_rows):
    releases = rows["quarantine_releases"]
    released = releases[times(releases["released_at"]).dt.strftime("%Y-%m-%d") == "2020-03-20"]
    checkins = rows["quarantine_checkins"]
    hotel = checkins[checkins["person_key"].isin(released["person_key"]) & (checkins["quarantine_kind"] == "集中隔离")
                     & (times(checkins["seen_at"]).dt.strftime("%Y-%m-%d") == "2020-03-06")]
    police, app = rows["police_entries"], feed_rows("tracing")
    from_japan = set(police.loc[police["from_country"] == "日本", "person_key"]) | set(
        app.loc[app["from_country"] == "日本", "person_key"])
    assert hotel["person_key"].isin(from_japan).sum() >= 15

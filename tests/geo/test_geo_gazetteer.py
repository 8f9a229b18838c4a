import numpy as np

from geo.gazetteer import place_addresses


def addresses(boundaries, style):
    c = boundaries.communities
    towns = dict(zip(boundaries.townships["code"], boundaries.townships["name"]))
    districts = dict(zip(boundaries.districts["code"], boundaries.districts["name"]))
    return [style(districts[d], towns[t], s, k) for d, t, s, k in
            zip(c["district_code"], c["township_code"], c["short_name"], c["kind"])]


def test_round_trip_full_addresses(boundaries):
    texts = addresses(boundaries, lambda d, t, s, k: f"广西梧州市{d}{t}{s}{'新兴一路12号' if k == '社区' else '3组'}")
    assert (place_addresses(texts, boundaries) == boundaries.communities["code"].to_numpy()).all()


def test_round_trip_without_district(boundaries):
    texts = addresses(boundaries, lambda d, t, s, k: f"{t}{s}委会旁")
    assert (place_addresses(texts, boundaries) == boundaries.communities["code"].to_numpy()).all()


def test_examples_and_ambiguity(boundaries):
    got = place_addresses([
        "广西梧州市万秀区角嘴街道新兴社区新兴一路12号",
        "梧州市万秀区新兴社区新兴一路12号",  # district enough to disambiguate
        "新兴社区新兴一路12号",  # two 新兴社区 in the city
        "岑溪市归义镇某某村3组",  # unknown village
        "长洲区角嘴街道新兴社区",  # contradiction: 角嘴街道 is in 万秀区
        "万秀区角嘴街道",  # no community
        None,
        "",
    ], boundaries)
    assert got.tolist() == ["450403005002", "450403005002", None, None, None, None, None, None]


def test_village_with_repeated_name(boundaries):
    c = boundaries.communities
    dup = c[c["short_name"].duplicated(keep=False) & (c["kind"] == "村")].sort_values("short_name").iloc[:2]
    towns = dict(zip(boundaries.townships["code"], boundaries.townships["name"]))
    texts = [f"{towns[t]}{s}5组" for t, s in zip(dup["township_code"], dup["short_name"])] + [dup["short_name"].iloc[0]]
    assert place_addresses(texts, boundaries).tolist() == list(dup["code"]) + [None]


def test_many_addresses_are_fast(boundaries):
    import time
    c = boundaries.communities
    base = np.array(addresses(boundaries, lambda d, t, s, k: f"{d}{t}{s}"), dtype=object)
    idx = np.random.default_rng(0).integers(0, len(c), 200_000)
    texts = [f"{base[i]}{n % 97}号" for n, i in enumerate(idx)]
    start = time.perf_counter()
    got = place_addresses(texts, boundaries)
    assert time.perf_counter() - start < 3
    assert (got == c["code"].to_numpy()[idx]).all()

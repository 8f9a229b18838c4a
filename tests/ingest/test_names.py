"""Name keys: Chinese characters meet their passport pinyin; Latin names lose case, spacing and order."""
from ingest.names import name_keys


def test_chinese_name_meets_its_passport_pinyin():
    assert name_keys("张三") == name_keys("ZHANG SAN") == name_keys("zhang  san")


def test_given_name_first_shares_the_sorted_words():
    assert name_keys("SAN, Zhang")[1] == name_keys("张三")[1]
    assert name_keys("SAN ZHANG")[0] != name_keys("ZHANG SAN")[0]


def test_compound_surname_and_u_umlaut():
    assert name_keys("欧阳小明")[0] == name_keys("OUYANG XIAOMING")[0]
    assert name_keys("吕华") == name_keys("LV HUA")


def test_empty_names_have_no_key():
    assert name_keys(None) == (None, None) == name_keys(" · ")

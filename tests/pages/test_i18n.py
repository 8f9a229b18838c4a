"""Every label goes through one table with both languages; pages render in the session's language."""
import re
from pathlib import Path

from pages.i18n import LANGUAGES, TEXT, label_or_code, labelled_words, t

PAGES = Path(__file__).resolve().parents[2] / "pages"


def test_every_key_has_both_languages():
    for key, entry in TEXT.items():
        assert set(entry) == set(LANGUAGES) and all(entry.values()), key


def test_every_literal_key_used_by_the_pages_exists():
    used = set()
    for source in PAGES.glob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", source.read_text(encoding="utf-8")))
    assert used and not used - TEXT.keys()


def test_lookup_formats_and_falls_back_to_the_code():
    assert t("community.count", "en", n=1234) == "1,234 people"
    assert t("community.count", "zh", n=3) == "共 3 人"
    assert label_or_code("channel", "hotel", "en") == "Hotel registration"
    assert label_or_code("channel", "unknown_channel", "en") == "unknown_channel"
    assert labelled_words("passport verified", "zh") == "护照 已核实"
    assert labelled_words("hotel → 2020-03-01", "en") == "Hotel → 2020-03-01"


def test_pages_render_in_the_language_the_session_remembers(client):
    client.visit("/?lang=en")
    page = client.call("page.children", {"url.pathname": "/", "url.search": ""}).outputs
    text = str(page["page.children"])
    assert "Up one level" in text and "返回上一级" not in text
    assert page["lang-zh.href"] == "/?lang=zh"
    client.visit("/export?lang=zh")
    page = client.call("page.children", {"url.pathname": "/export", "url.search": "?lang=zh"}).outputs
    assert "筛选条件" in str(page["page.children"])
    links = {link["props"]["id"]: link["props"]["className"] for link in page["nav.children"]}
    assert links["nav-export"] == "nav-link active" and links["nav-overview"] == "nav-link"
    assert "nav-admin" not in links                                   # analysts are not administrators


def test_every_page_renders(client):
    for path in ("/", "/community", "/export", "/checkpoints", "/feeds", "/alerts", "/quarantine", "/nowhere"):
        reply = client.call("page.children", {"url.pathname": path, "url.search": ""})
        assert reply.outputs["page.children"], path

"""Issue 16.9: no untranslated text on any page of any role. In Chinese no English UI word is left; in English no
Chinese label is left. Data values are exempt: grid cells, the card's values, journey places, and whatever the
store itself holds (area, site, checkpoint, place and country names); everything else is a label and must come
from pages/i18n.py. Fails listing every page, text and element found."""
import re

import pytest

from pages.server import PAGES
from pages.shell import allowed
from tests.browser.helpers import logged_in_as, open_page, wait_until

pytestmark = pytest.mark.browser
ROLES = {"leadership": None, "police": "450403", "analyst": None, "admin": None}
# English words a Chinese page may show: names of file formats, the language switch, units and the map's credit
ASCII_OK = {"English", "PNG", "PDF", "CSV", "Excel", "Parquet", "GeoJSON", "Plotly", "MapLibre", "OpenStreetMap",
            "GeoNames", "cnmaps", "Amap", "NBS", "WTFPL", "MIT"}
HAN_OK = {"中文"}
FILE_NAME = re.compile(r"[\w.-]+\.(csv|xlsx|xls|jsonl|json|parquet|txt)\b", re.IGNORECASE)                          # the language switch names Chinese in Chinese in every language
DATA = ("SELECT name FROM districts UNION SELECT name FROM townships UNION SELECT name FROM communities"
        " UNION SELECT short_name FROM communities UNION SELECT name FROM quarantine_sites"
        " UNION SELECT name FROM checkpoints UNION SELECT road FROM checkpoints UNION SELECT name FROM arrival_points"
        " UNION SELECT country FROM abroad UNION SELECT from_country FROM border_entries"
        " UNION SELECT port FROM border_entries UNION SELECT place FROM arrivals UNION SELECT from_place FROM transfers"
        " UNION SELECT team FROM transfers UNION SELECT measure FROM service_measures UNION SELECT name FROM persons")
TEXTS = """
const skip = 'script, style, .ag-cell, dd, .timeline .step span:not(.source), .hoverlayer, .Select-value-label,
              .dash-dropdown-value, option, .notes .note p, .who, .example';
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
  if (!text || !el || el.closest(skip)) continue;
  const box = el.getBoundingClientRect();
  if (!box.width && !box.height && !el.closest('svg')) continue;            // hidden
  const owner = el.closest('[id]');
  out.push([text, owner ? owner.id : el.tagName]);
}
for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
  for (const a of ['placeholder', 'title', 'aria-label']) {
    const v = (el.getAttribute(a) || '').trim();
    if (v && !el.closest(skip)) out.push([v, (el.id || el.tagName) + '@' + a]);
  }
}
return out;
""".replace("\n              ", " ")


def leftovers(texts, lang: str, data: list[str]) -> list[tuple[str, str]]:
    """The (text, element) pairs that are not in `lang`: English words on a Chinese page, Chinese on an English
    one (after taking out the data values)."""
    found = []
    for text, where in texts:
        text = FILE_NAME.sub("", text)                                   # a file's name is data
        if lang == "zh":
            words = {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ASCII_OK}
            if words:
                found.append((text, where))
        else:
            rest = text
            for value in data:
                rest = rest.replace(value, "")
            if re.search(r"[\u3400-\u9fff]", rest) and rest.strip() not in HAN_OK:
                found.append((text, where))
    return found


@pytest.fixture(scope="module")
def data_values(synthetic_store):
    rows = synthetic_store.reader().execute(DATA).fetchall()
    return sorted({r[0] for r in rows if r[0]} | HAN_OK, key=len, reverse=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_every_role_speaks_one_language(browser, data_values, role, lang):
    problems = []
    with logged_in_as(browser, role, ROLES[role]):
        for page in allowed(PAGES, role):
            open_page(browser, f"{page.PATH}?lang={lang}")
            wait_until(lambda: not browser.find_elements("._dash-loading, .ag-overlay-loading-center"),
                       timeout=30, message="page loaded")
            texts = browser.driver.execute_script(TEXTS)
            problems += [(page.PATH, *p) for p in leftovers(texts, lang, data_values)]
    assert not problems, "\n".join(f"{path} [{where}]: {text!r}" for path, text, where in problems)

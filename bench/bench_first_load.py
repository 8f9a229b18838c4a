"""First load in headless Chromium: from opening the overview (submitting the login form, when the app has
one) to its map drawn, through the production server over a copy of a store.

    python bench/bench_first_load.py [--store var/store] [--scale 1] [--runs 3]

cold = a fresh browser profile (nothing cached), warm = the same browser loading the page again (scripts,
styles and the map GeoJSON from its cache). Time is the page's own clock (performance.now() from the start
of the navigation, the login POST and its redirect included) at the moment the map has drawn its areas;
bytes are the transferSize of the navigation and every resource (0 for what came from the cache).
Budget (issue #3): <= 3 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_callbacks import copy_store  # noqa: E402
from bench.serving import PASSWORD, LoadWatch, Server, print_rows, row  # noqa: E402

BUDGET_S = 3.0
CHROMEDRIVER = "/usr/bin/chromedriver"
USER = "bench_leader"
# the map in #ov-map has drawn: canvas, map idle, style and tiles loaded, choropleth fill layers in the style
MAP_DRAWN = """
    const gd = document.querySelector('#ov-map .js-plotly-plot');
    const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const m = sub && sub.map;
    return !!(document.querySelector('#ov-map canvas') && m && m.loaded() && m.isStyleLoaded() &&
              m.areTilesLoaded() && m.getStyle().layers.some(l => l.type === 'fill'));
"""
TRANSFER = """
    const nav = performance.getEntriesByType('navigation');
    const res = performance.getEntriesByType('resource');
    const all = [...nav, ...res];
    const sum = (key) => all.reduce((s, e) => s + (e[key] || 0), 0);
    const biggest = res.slice().sort((a, b) => b.transferSize - a.transferSize).slice(0, 3)
        .map(e => [e.name.split('/').pop().split('?')[0], e.transferSize]);
    return {transfer: sum('transferSize'), encoded: sum('encodedBodySize'), decoded: sum('decodedBodySize'),
            requests: all.length, cached: res.filter(e => e.transferSize === 0).length, biggest: biggest,
            callbacks: res.filter(e => e.name.includes('_dash-update-component')).length};
"""


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.browser.helpers import chrome_options

    options = chrome_options()
    options.add_argument("--headless=new")
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def wait_drawn(driver, timeout: float = 60) -> float:
    """performance.now() of the page when its map is first seen drawn (polled every ~20 ms)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if driver.execute_script(MAP_DRAWN):
                return driver.execute_script("return performance.now()") / 1000
        except Exception:                     # noqa: BLE001  (the page is being replaced by the redirect)
            pass
        time.sleep(0.02)
    raise TimeoutError("the overview map did not draw")


def logged_in_by_cookie(driver, url: str) -> None:
    """The session cookie a log-in over HTTP gets, set in the browser (when its login form is refused)."""
    from bench.serving import Client

    client = Client(url)
    client.login(USER)
    host = url.split("//")[1].split(":")[0]
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCookie", {"name": "wz_session", "value": client.cookies["wz_session"],
                                                 "domain": host, "path": "/", "secure": True, "httpOnly": True,
                                                 "sameSite": "Strict"})


def load(driver, url: str) -> tuple[float, dict, float, str]:
    """Open the overview, logging in with the form on the way when asked; (page seconds, transfer, wall
    seconds, how the login went)."""
    from selenium.webdriver.common.by import By

    started = time.perf_counter()
    driver.get(url + "/")
    how = ""
    if driver.find_elements(By.NAME, "password"):             # the login form (the app has a login)
        driver.find_element(By.NAME, "username").send_keys(USER)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        started = time.perf_counter()
        driver.find_element(By.ID, "login-submit").click()
        how = "login form"
        deadline = time.time() + 10
        while "/login" in driver.current_url and time.time() < deadline:
            time.sleep(0.02)
        if "/login" in driver.current_url:                    # refused: say so, and get in with a cookie
            how = "login form REFUSED (" + driver.find_element(By.TAG_NAME, "body").text[:60] + "); cookie set"
            logged_in_by_cookie(driver, url)
            started = time.perf_counter()
            driver.get(url + "/")
    seconds = wait_drawn(driver)
    wall = time.perf_counter() - started
    time.sleep(0.5)                                             # late resources (callbacks after the draw)
    return seconds, driver.execute_script(TRANSFER), wall, how


def run(store_root: Path, scale: int = 1, runs: int = 3) -> list[dict]:
    cold, warm = [], []
    watch = LoadWatch()
    with tempfile.TemporaryDirectory(prefix="bench-first-load-") as tmp:
        tmp = Path(tmp)
        copy_store(Path(store_root), tmp / "store")
        with Server(tmp / "store", tmp / "work") as server:
            for i in range(runs):
                driver = browser(tmp / f"profile-{i}")
                try:
                    cold.append(load(driver, server.url))
                    for _ in range(2 if i == 0 else 1):
                        warm.append(load(driver, server.url))
                finally:
                    driver.quit()
    rows = []
    for name, results in (("cold (fresh profile)", cold), ("warm (cached)", warm)):
        seconds = [r[0] for r in results]
        transfer = [r[1] for r in results]
        mid = sorted(results, key=lambda r: r[0])[len(results) // 2]
        t = mid[1]
        rows.append(row("first load", f"overview to drawn map, {name}", round(statistics.median(seconds), 2), "s",
                        f"<= {BUDGET_S:.0f} s", max(seconds) <= BUDGET_S,
                        f"scale {scale}; median of {len(seconds)}, max {max(seconds):.2f} s; wall "
                        f"{statistics.median(r[2] for r in results):.2f} s; {t['requests']} requests "
                        f"({t['callbacks']} callbacks, {t['cached']} from cache)"
                        + "".join(sorted({f"; {r[3]}" for r in results if r[3]}))))
        rows.append(row("first load bytes", f"overview, {name}",
                        round(statistics.median(x["transfer"] for x in transfer) / 1024), "KB", "", None,
                        f"transferred; bodies {t['encoded'] / 1024:.0f} KB as sent, {t['decoded'] / 1024:.0f} KB "
                        f"decoded; largest: " + ", ".join(f"{n} {b / 1024:.0f} KB" for n, b in t["biggest"])))
    return [*rows, watch.row("first load")]


def main() -> int:
    p = argparse.ArgumentParser(prog="python bench/bench_first_load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--runs", type=int, default=3, help="fresh browser profiles")
    args = p.parse_args()
    print_rows(run(Path(args.store), args.scale, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

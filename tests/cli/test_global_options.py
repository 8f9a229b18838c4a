"""Global options (--store, --feeds) work for every subcommand, before or after its name."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import app
from ingest.channels import feed_named
from ingest.run import ingest_files

COMMANDS = {
    "serve": [], "demo": [], "ingest": ["--channel", "hotel", "x.csv"], "figures": [], "users": ["list"],
    "feeds": ["check", "x.csv"], "boundaries": ["import", "x.geojson", "--level", "districts", "--code-column", "c"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_store_and_feeds_are_taken_before_and_after_every_subcommand(command, tmp_path):
    store, feeds = str(tmp_path / "s"), str(tmp_path / "f.toml")
    before = app.parser().parse_args(["--store", store, "--feeds", feeds, command, *COMMANDS[command]])
    after = app.parser().parse_args([command, *COMMANDS[command], "--store", store, "--feeds", feeds])
    default = app.parser().parse_args([command, *COMMANDS[command]])
    assert (before.store, before.feeds) == (after.store, after.feeds) == (store, feeds)
    assert (default.store, default.feeds) == (str(app.DEFAULT_STORE), None)


def _cases_file(demo_feeds, tmp_path) -> Path:
    return Path(shutil.copy(max(demo_feeds.glob("police_cases*.csv"), key=lambda p: p.stat().st_size), tmp_path))


def test_figures_reads_the_store_it_is_given(city_store, demo_feeds, tmp_path, capsys):
    assert app.main(["--store", str(tmp_path / "no-store-here"), "figures"]) == 2
    assert "no database in" in capsys.readouterr().err
    assert app.main(["figures", "--json", "--as-of", "2020-04-30", "--store", str(city_store.root)]) == 0
    empty = json.loads(capsys.readouterr().out)
    ingest_files(city_store, [(feed_named("police_cases"), _cases_file(demo_feeds, tmp_path))], show_progress=False)
    assert app.main(["--store", str(city_store.root), "figures", "--json", "--as-of", "2020-04-30"]) == 0
    filled = json.loads(capsys.readouterr().out)
    stored = city_store.reader().execute(
        "SELECT count(*), sum(educated) FROM enforcement_cases WHERE kind = 'online_rumour'").fetchone()
    assert empty["rumours"] == 0 and stored[0] > 0
    assert (filled["rumours"], filled["educated"]) == stored


def test_ingest_writes_to_the_store_given_after_the_command(city_store, demo_feeds, tmp_path, capsys):
    path = _cases_file(demo_feeds, tmp_path)
    assert app.main(["ingest", "--channel", "police", str(path), "--store", str(city_store.root)]) == 0
    assert city_store.reader().execute("SELECT file_name FROM batches").fetchall() == [(path.name,)]


def test_users_and_demo_use_the_given_store(city_store, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a-long-Passw0rd-here\n"))
    root = tmp_path / "elsewhere" / "store"
    assert app.main(["users", "add", "ana", "--role", "analyst", "--password-stdin", "--store", str(root)]) == 0
    assert (root.parent / "app.sqlite").exists()
    assert app.main(["demo", "--store", str(city_store.root)]) == 2
    assert f"{city_store.root} already holds a database" in capsys.readouterr().err


def test_serve_serves_the_given_store(city_store, monkeypatch):
    served = []
    monkeypatch.setenv("WUZHOU_WORKERS", "1")                      # one process: serve() in this one
    monkeypatch.setattr("app.ensure_map_files", lambda store: None)
    monkeypatch.setattr("pages.server.serve", lambda store, host, port: served.append(store.root))
    assert app.main(["serve", "--port", "1", "--store", str(city_store.root)]) == 0
    assert served == [city_store.root]


def test_serve_with_workers_runs_them_on_the_given_store(city_store, monkeypatch):
    started = []
    monkeypatch.setattr("app.ensure_map_files", lambda store: None)
    monkeypatch.setattr("pages.workers.serve_workers",
                        lambda argv, host, port, workers: started.append((argv, host, port, workers)) or 0)
    assert app.main(["serve", "--port", "1", "--workers", "3", "--store", str(city_store.root)]) == 0
    (argv, host, port, workers), = started
    assert (host, port, workers) == ("127.0.0.1", 1, 3)
    assert argv[argv.index("--store") + 1] == str(Path(city_store.root).resolve()) and argv[-1] == "serve"


def test_feeds_check_looks_up_the_given_store(city_store, demo_feeds, tmp_path, capsys):
    checks = Path(shutil.copy(min(demo_feeds.glob("vehicle_checks*.csv"), key=lambda p: p.stat().st_size), tmp_path))
    def accepted() -> tuple[int, int]:
        assert app.main(["feeds", "check", str(checks), "--store", str(city_store.root)]) == 0
        read, accepted = re.search(r"records read (\d+): (\d+) would be accepted", capsys.readouterr().out).groups()
        return int(read), int(accepted)

    assert accepted()[1] == 0                    # no checkpoint is known to an empty store
    sites = Path(shutil.copy(demo_feeds / "checkpoints_list.csv", tmp_path))
    ingest_files(city_store, [(feed_named("checkpoint_sites"), sites)], show_progress=False)
    read, accepted_now = accepted()
    assert accepted_now > 0.99 * read            # the demo's few dirty rows (an unknown station, 2-30) rejected
    assert city_store.reader().execute("SELECT count(*) FROM checkpoint_vehicle_checks").fetchone()[0] == 0

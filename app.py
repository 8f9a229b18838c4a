"""境外输入闭环管控态势图 (closed-loop situation map) — the single entry point: the app factory and the command line.

    python app.py                 serve the dashboard (builds the demo city on first run)
    python app.py demo            build the demo city's feeds and database
    python app.py ingest --channel hotel FILE...
    python app.py figures [--as-of YYYY-MM-DD] [--json]
    python app.py feeds check FILE [--channel C]
    python app.py [--config DIR] init [--admin NAME]
    python app.py boundaries import FILE --level communities --code-column CODE
    python app.py tokens add NAME --channel hotel | --aggregates ; tokens list ; tokens revoke NAME
    python app.py intake run-once|watch [--inbox DIR]   (or serve --inbox DIR)
    python app.py province init|ingest|check|serve DIR ...   (a store per city, one distributed ingest)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VAR = ROOT / "var"
DEFAULT_STORE = VAR / "store"
GEO_CACHE = VAR / "geo"
MAP_FILES = ROOT / "assets" / "geo"


def _store(args):
    from store.db import Store
    return Store(args.store)


def build_demo(store_root: Path, scale: int = 1, seed: int = 2020, show_progress: bool = True,
               feeds_dir: Path | None = None) -> dict:
    """Write the demo city's feed files and ingest them through the real ingest path; return timings."""
    from auth import demo_mode
    from demo import write_feeds
    from geo.boundaries import load_boundaries
    from ingest.channels import feed_named
    from ingest.reference import write_reference
    from ingest.run import format_summary, ingest_files
    from store.db import Store

    timings, started = {}, time.perf_counter()
    boundaries = load_boundaries(GEO_CACHE, seed=seed)
    feeds_dir = feeds_dir or VAR / "demo" / f"feeds-scale{scale}-seed{seed}"
    shutil.rmtree(feeds_dir, ignore_errors=True)
    files = write_feeds(feeds_dir, boundaries, scale=scale, seed=seed)
    timings["write feeds"] = time.perf_counter() - started
    store = Store(store_root)
    with store.writer() as conn:
        write_reference(conn, boundaries)
        summaries, errors = ingest_files(store, [(feed_named(f.feed), f.path) for f in files],
                                         show_progress=show_progress, conn=conn)
        if errors:
            raise RuntimeError("demo feeds failed to ingest:\n" + "\n".join(errors))
    demo_mode.mark(store)                                  # demo mode (demo accounts) while only these batches
    timings["ingest"] = time.perf_counter() - started - timings["write feeds"]
    timings["total"] = time.perf_counter() - started
    if show_progress:
        print(format_summary(summaries, errors), file=sys.stderr)
    return timings


def ensure_map_files(store) -> Path:
    """The simplified GeoJSON per level, derived from the store's boundaries once, served as files (from the
    assets folder the app serves: WUZHOU_ASSETS for a city of a province, else assets/)."""
    from geo.mapfiles import write_map_files
    from ingest.placement import CityGeo

    folder = Path(os.environ["WUZHOU_ASSETS"]) / "geo" if os.environ.get("WUZHOU_ASSETS") else MAP_FILES
    version_file = folder / "VERSION"
    if not version_file.exists() or version_file.read_text() != store.version():
        write_map_files(CityGeo.from_store(store.reader()).boundaries, folder)
        version_file.write_text(store.version())
    return folder


# ---------------------------------------------------------------------------------------------- commands
def cmd_demo(args) -> int:
    store_root = Path(args.store)
    if (store_root / "CURRENT").exists():
        if not args.replace:
            print(f"{store_root} already holds a database; pass --replace to rebuild it", file=sys.stderr)
            return 2
        shutil.rmtree(store_root)
    timings = build_demo(store_root, args.scale, args.seed)
    print(" ".join(f"{k}: {v:.1f}s" for k, v in timings.items()))
    return 0


def cmd_ingest(args) -> int:
    from ingest.channels import CHANNELS
    from ingest.run import format_summary, ingest_files, match_files

    store = _store(args)
    if not store.exists():
        print(f"no database in {store.root}: run `python app.py init` (real data) or `demo` first", file=sys.stderr)
        return 2
    if args.channel not in CHANNELS:
        print(f"unknown channel {args.channel!r}; channels: {', '.join(CHANNELS)}", file=sys.stderr)
        return 2
    files, unmatched = match_files(args.channel, [Path(p) for p in args.files])
    if args.workers or args.scheduler:
        from ingest.distributed import ingest_on_cluster
        summaries, errors = ingest_on_cluster(store, files, args.workers or 2, args.scheduler)
    else:
        summaries, errors = ingest_files(store, files)
    print(format_summary(summaries, unmatched + errors))
    return 1 if unmatched or errors else 0


def cmd_figures(args) -> int:
    import duckdb

    from queries.figures import headline
    from queries.period import data_period
    from queries.runner import Scope

    path = Path(args.db or args.store)
    if path.is_dir() or not path.exists():
        from store.db import Store
        if not Store(path).exists():
            print(f"no database in {path}: run `python app.py demo` first", file=sys.stderr)
            return 2
        conn = Store(path).reader()
    else:
        conn = duckdb.connect(str(path), read_only=True)
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else data_period(conn).latest
    figures = headline(conn, Scope.whole_city(), as_of)
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), **figures}, ensure_ascii=False, indent=2))
    else:
        width = max(map(len, figures))
        print(f"as of {as_of} (end of day)")
        for key, value in figures.items():
            print(f"  {key:<{width}}  {value:>10,}")
    return 0


def cmd_feeds(args) -> int:
    from ingest.check import preview, report
    from store.db import Store

    result = preview(Path(args.file), args.channel, Store(args.store))
    print(report(result))
    return 1 if result.refused else 0


def cmd_boundaries(args) -> int:
    from geo.boundaries import BoundaryError, import_boundaries
    from geo.setup import geo_cache

    try:
        report = import_boundaries(Path(args.file), args.level, args.code_column, args.name_column,
                                   cache_dir=geo_cache(VAR))
    except BoundaryError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(f"imported {report.rows} {report.level} from {report.path} (CRS {report.source_crs})")
    for line in [*report.repaired, *report.warnings]:
        print(f"  {line}")
    print("Rebuild the database to use them: python app.py demo --replace (or re-run your set-up).")
    return 0


def cmd_users(args) -> int:
    import getpass

    from auth.state import State
    from auth.users import add_user, list_users, reset_password, set_disabled

    state = State(args.state or Path(args.store).parent / "app.sqlite")
    by = f"cli:{getpass.getuser()}"

    def password() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first

    try:
        if args.action == "list":
            for u in list_users(state):
                where = u["township_code"] or u["district_code"] or "whole city"
                flags = " disabled" if u["disabled"] else ""
                print(f"{u['username']:<16} {u['role']:<11} {where:<12} {u['display_name']}{flags}")
        elif args.action == "add":
            from auth.jurisdiction import check
            check(_store(args), args.district, args.township)
            add_user(state, args.username, password(), args.role, args.name, args.district, args.township, by=by)
        elif args.action == "reset":
            reset_password(state, args.username, password(), by=by)
        else:
            set_disabled(state, args.username, args.action == "disable", by=by)
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_store(args) -> int:
    from store.health import check, repair

    if args.action == "check":
        health = check(_store(args))
        print(health.report())
        return 0 if health.healthy else 1
    print(repair(_store(args)))
    return 0


def cmd_init(args) -> int:
    from auth.first_admin import create
    from auth.state import State
    from geo.setup import set_up

    store = _store(args)
    if store.exists():
        print(f"refused: {store.root} already holds a database", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    try:
        state = State(Path(args.store).parent / "app.sqlite")
        first = create(state, args.admin, password)       # checked before anything is written
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    b = set_up(store, VAR, args.seed)
    print(f"{store.root}: {len(b.districts)} districts, {len(b.townships)} townships, {len(b.communities)} communities")
    print(first)
    return 0


def cmd_serve(args) -> int:
    from auth import demo_mode
    from auth.state import State
    from pages.server import serve
    from pages.workers import inherited_socket, serve_workers, workers_from_env
    from store.db import Store
    from store.health import upgrade

    store = Store(args.store)
    if args.listen_fd is not None:                      # one worker process of the supervisor below
        serve(store, sock=inherited_socket(args.listen_fd))
        return 0
    if not store.exists():
        print("first run: building the demo city (scale 1) ...", file=sys.stderr)
        build_demo(Path(args.store))
    if upgrade(store):
        print("the store was written by an earlier release: brought up to date", file=sys.stderr)
    ensure_map_files(store)
    state = State(Path(args.store).parent / "app.sqlite")
    print("demo mode: demo accounts enabled (passwords in README.md)" if demo_mode.apply(store, state) else
          "not (or no longer) the demo city: demo accounts disabled", file=sys.stderr)
    if args.inbox:
        from intake.cli import start_watcher
        start_watcher(store, Path(args.inbox), args.settle)
    workers = args.workers or workers_from_env()
    if workers > 1:
        return serve_workers([str(Path(__file__).resolve()), "--store", str(Path(args.store).resolve()), "serve"],
                             args.host, args.port, workers)
    serve(store, host=args.host, port=args.port)
    return 0


def cmd_province(args) -> int:
    from province import cli

    if args.action == "init":
        return cli.init(Path(args.root), args.city, VAR, args.seed)
    if args.action == "ingest":
        return cli.ingest(Path(args.root), args.channel, args.files, args.workers or 2, args.scheduler)
    if args.action == "check":
        return cli.check(Path(args.root))
    try:
        args.store, config = cli.city_options(Path(args.root), args.city[-1] if args.city else None)
    except (ValueError, FileNotFoundError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    os.environ["WUZHOU_CONFIG"] = config
    os.environ["WUZHOU_ASSETS"] = str(cli.city_assets(Path(args.root), args.city[-1], ROOT / "assets"))
    return cmd_serve(args)


def cmd_tokens(args) -> int:
    from auth.state import State
    from intake.cli import tokens_command

    return tokens_command(State(Path(args.store).parent / "app.sqlite"), args.action, args.name, args.channel,
                          args.aggregates)


def cmd_intake(args) -> int:
    from intake.cli import intake_command

    return intake_command(_store(args), args.action, Path(args.inbox), args.settle)


def _global_options(default) -> argparse.ArgumentParser:
    """--store, --feeds and --config; every subcommand takes them too (default SUPPRESS keeps a value given before it)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--store", default=default(str(DEFAULT_STORE)), help="store folder (default: var/store)")
    options.add_argument("--feeds", default=default(None),
                         help="feeds file (default: config/feeds.toml, or $WUZHOU_FEEDS)")
    options.add_argument("--config", default=default(None),
                         help="configuration folder: city.toml, policy.toml (default: $WUZHOU_CONFIG or config/)")
    return options


def _cluster_options(s) -> None:
    s.add_argument("--workers", type=int, help="run the ingest steps on a local Dask cluster of N processes "
                   "(the optional extra, requirements-distributed.txt)")
    s.add_argument("--scheduler", help="or on the Dask cluster whose scheduler is at this address")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="app.py", description="Closed-loop situation map (闭环管控态势图) of the configured city",
                                parents=[_global_options(lambda value: value)])
    p.set_defaults(func=cmd_serve, host="127.0.0.1", port=8050, inbox=os.environ.get("WUZHOU_INBOX"),
                   settle=1.0, workers=None, listen_fd=None)
    sub = p.add_subparsers(dest="command")
    add = lambda name, **kw: sub.add_parser(  # noqa: E731
        name, parents=[_global_options(lambda value: argparse.SUPPRESS)], **kw)
    s = add("serve", help="serve the dashboard (default command)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8050)
    s.add_argument("--inbox", default=os.environ.get("WUZHOU_INBOX"),
                   help="watch this folder (one subfolder per channel) and ingest files dropped there")
    s.add_argument("--settle", type=float, default=1.0, help="seconds a file must be quiet before it is taken")
    s.add_argument("--workers", type=int, help="server processes on the one port (default: $WUZHOU_WORKERS, "
                                               "else one per core)")
    s.add_argument("--listen-fd", type=int, help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_serve)
    s = add("demo", help="write the demo city's feed files and build its database")
    s.add_argument("--scale", type=int, default=1, help="multiply the report's volumes (default 1)")
    s.add_argument("--seed", type=int, default=2020)
    s.add_argument("--replace", action="store_true", help="replace an existing database")
    s.set_defaults(func=cmd_demo)
    s = add("init", help="start an empty store for real data (the configured city's geography) and a first administrator")
    s.add_argument("--admin", default="admin", help="the first administrator's user name (default admin)")
    s.add_argument("--password-stdin", action="store_true", help="read the first password (else one is generated)")
    s.add_argument("--seed", type=int, default=2020, help="seed of generated townships and communities")
    s.set_defaults(func=cmd_init)
    s = add("ingest", help="ingest channel files, one batch per file")
    s.add_argument("--channel", required=True)
    s.add_argument("files", nargs="+")
    _cluster_options(s)
    s.set_defaults(func=cmd_ingest)
    s = add("province", help="a province: a store per city, fed by one distributed ingest (docs/distributed.md)")
    s.add_argument("action", choices=["init", "ingest", "check", "serve"])
    s.add_argument("root", help="the province's folder")
    s.add_argument("files", nargs="*", help="ingest: the province's files of one channel")
    s.add_argument("--city", action="append", default=[],
                   help="init: NAME=CONFIG_DIR, once per city; serve: the city to serve")
    s.add_argument("--channel", help="ingest: the channel that sent the files")
    s.add_argument("--seed", type=int, default=2020, help="init: seed of generated townships and communities")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8050)
    s.add_argument("--settle", type=float, default=1.0)
    _cluster_options(s)
    s.set_defaults(func=cmd_province, inbox=None)
    s = add("figures", help="print the headline figures")
    s.add_argument("--db", help="a .duckdb file or store folder instead of --store")
    s.add_argument("--as-of", help="YYYY-MM-DD (default: the latest day with data)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_figures)
    s = add("users", help="add, disable, enable, reset and list users")
    s.add_argument("action", choices=["add", "disable", "enable", "reset", "list"])
    s.add_argument("username", nargs="?")
    s.add_argument("--role", choices=["leadership", "police", "analyst", "admin"])
    s.add_argument("--name", help="display name")
    s.add_argument("--district", help="police jurisdiction: district code")
    s.add_argument("--township", help="police jurisdiction: township code")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    s.add_argument("--state", help="application state file (default: app.sqlite beside the store)")
    s.set_defaults(func=cmd_users)
    s = add("feeds", help="check a file against the feeds file without writing anything")
    s.add_argument("action", choices=["check"])
    s.add_argument("file")
    s.add_argument("--channel", help="the channel that sent it (default: the feed whose pattern matches)")
    s.set_defaults(func=cmd_feeds)
    s = add("boundaries", help="replace generated boundaries with a city's real files")
    s.add_argument("action", choices=["import"])
    s.add_argument("file")
    s.add_argument("--level", required=True, choices=["districts", "townships", "communities"])
    s.add_argument("--code-column", required=True)
    s.add_argument("--name-column")
    s.set_defaults(func=cmd_boundaries)
    s = add("store", help="check the store's health, or return it to its last good version")
    s.add_argument("action", choices=["check", "repair"])
    s.set_defaults(func=cmd_store)
    s = add("tokens", help="API tokens: add NAME --channel C | --aggregates, list, revoke NAME")
    s.add_argument("action", choices=["add", "list", "revoke"])
    s.add_argument("name", nargs="?")
    s.add_argument("--channel", help="the one channel the token may upload files of")
    s.add_argument("--aggregates", action="store_true", help="the token may read aggregate figures")
    s.set_defaults(func=cmd_tokens)
    s = add("intake", help="ingest files dropped in the inbox: run-once, or watch")
    s.add_argument("action", choices=["run-once", "watch"])
    s.add_argument("--inbox", default=os.environ.get("WUZHOU_INBOX") or str(VAR / "inbox"))
    s.add_argument("--settle", type=float, default=1.0, help="seconds a file must be quiet before it is taken")
    s.set_defaults(func=cmd_intake)
    return p


def main(argv: list[str] | None = None) -> int:
    from ingest.channels import FEEDS_ENV, FeedsFileError, active_feeds
    from store.db import StoreBusy, VerifyError

    args = parser().parse_args(argv)
    if args.config:
        os.environ["WUZHOU_CONFIG"] = str(Path(args.config).resolve())    # read by settings.py, here and in workers
    if args.feeds:
        os.environ[FEEDS_ENV] = str(Path(args.feeds).resolve())
    try:
        active_feeds()                      # the feeds file is checked at start, whatever the command
    except FeedsFileError as exc:
        print(f"the feeds file is not valid:\n{exc}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (StoreBusy, VerifyError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

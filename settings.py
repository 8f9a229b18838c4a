"""The configuration a store is served with: the city (names, code lists, cnmaps name) and the loop's policy
(deadlines, who must be quarantined from when, risk weights), read from TOML files in one directory.

The directory is `--config DIR` (which sets WUZHOU_CONFIG), else $WUZHOU_CONFIG, else this repository's
`config/` (the demo city's). Read when asked, cached per directory; errors name the file and the setting.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / "config"
ENV = "WUZHOU_CONFIG"


class ConfigError(ValueError):
    """A configuration file that is missing, not TOML, or has a setting of the wrong kind."""


def config_dir() -> Path:
    return Path(os.environ.get(ENV) or DEFAULT_DIR).resolve()


@functools.lru_cache(maxsize=8)
def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def section(file: str, name: str, kinds: dict[str, type]) -> dict:
    """The table [name] of config_dir()/file, each of `kinds` checked (ints are accepted where floats are)."""
    path = config_dir() / file
    table = _read(path).get(name)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no [{name}] table")
    for key, value in table.items():
        kind = kinds.get(key)
        if kind is None:
            raise ConfigError(f"{path}: [{name}] {key} is not a setting (known: {', '.join(kinds)})")
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float else \
            isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is dt.date and isinstance(value, dt.datetime):
            ok = False
        if not ok:
            raise ConfigError(f"{path}: [{name}] {key} = {value!r} is not a {kind.__name__}")
    return {k: float(v) if kinds[k] is float else v for k, v in table.items()}


@dataclass(frozen=True)
class City:
    name_zh: str
    name_en: str
    short_zh: str
    cnmaps_city: str
    districts: Path
    townships: Path
    communities: Path
    places: Path | None = None


_CITY_PATHS = ("districts", "townships", "communities", "places")


def city() -> City:
    """The city of config_dir()/city.toml, its file paths made absolute (relative to the directory)."""
    return _city(config_dir())


@functools.lru_cache(maxsize=8)
def _city(base: Path) -> City:
    table = section("city.toml", "city", {**{k: str for k in ("name_zh", "name_en", "short_zh", "cnmaps_city")},
                                          **{k: str for k in _CITY_PATHS}})
    missing = [k for k in ("name_zh", "name_en", "cnmaps_city", *_CITY_PATHS[:3]) if k not in table]
    if missing:
        raise ConfigError(f"{base / 'city.toml'}: [city] lacks {', '.join(missing)}")
    table.setdefault("short_zh", table["name_zh"][:1])
    return City(**{k: (base / v).resolve() if k in _CITY_PATHS else v for k, v in table.items()})

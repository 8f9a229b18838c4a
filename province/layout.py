"""A province on disk: a folder per city, each a store of its own with its own accounts, and `province.toml`
naming each city's configuration directory.

    <province>/province.toml          [[city]] name = "hezhou"  config = "/path/to/hezhou/config"
    <province>/<city>/store/          the city's store (store.db.Store)
    <province>/<city>/app.sqlite      the city's users, sessions and audit (beside the store, as for one city)
    <province>/unrouted/              records of no city, per ingest: file, line, reason, text

Each city is served by its own process: `app.py province serve <province> --city NAME` (its store, its
configuration: its names on screen, its boundaries, its figures only).
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import settings
from ingest.distributed import City, configured
from store.db import Store

MANIFEST = "province.toml"


@dataclass(frozen=True)
class Province:
    root: Path
    cities: tuple[City, ...]

    @classmethod
    def load(cls, root: Path | str) -> "Province":
        root = Path(root)
        manifest = root / MANIFEST
        if not manifest.exists():
            raise FileNotFoundError(f"{root} is not a province (no {MANIFEST}: run `app.py province init`)")
        with open(manifest, "rb") as f:
            table = tomllib.load(f)
        return cls(root, tuple(City(c["name"], str(root / c["name"] / "store"), c["config"])
                               for c in table.get("city", [])))

    @classmethod
    def create(cls, root: Path | str, configs: dict[str, str]) -> "Province":
        """Write the manifest of a new province: city name -> configuration directory."""
        root = Path(root)
        if (root / MANIFEST).exists():
            raise FileExistsError(f"{root} already holds a province")
        bad = [name for name in configs if not name.isidentifier() or name != name.lower()]
        if bad:
            raise ValueError(f"city names are folder names: lower-case letters, digits, '_' ({', '.join(bad)})")
        root.mkdir(parents=True, exist_ok=True)
        text = "".join(f"[[city]]\nname = {json.dumps(n)}\nconfig = {json.dumps(str(Path(c).resolve()))}\n\n"
                       for n, c in configs.items())
        (root / MANIFEST).write_text("# the cities of this province (app.py province init)\n\n" + text)
        return cls.load(root)

    def city(self, name: str | None) -> City:
        found = next((c for c in self.cities if c.name == name), None)
        if found is None:
            raise ValueError(f"{'no city ' + repr(name) if name else 'name the city (--city NAME)'} of {self.root}"
                             f" (cities: {', '.join(c.name for c in self.cities)})")
        return found

    def store(self, name: str) -> Store:
        return Store(self.city(name).store)

    def names_zh(self) -> dict[str, str]:
        """Each city's Chinese name, from its configuration."""
        out = {}
        for city in self.cities:
            with configured(city.config):
                out[city.name] = settings.city().name_zh
        return out

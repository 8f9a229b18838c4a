"""The city's boundaries: real districts, generated or imported townships/communities, point location."""
from geo.boundaries import (
    Boundaries,
    BoundaryError,
    ImportReport,
    import_boundaries,
    load_boundaries,
    simplified_geojson,
    write_map_files,
)
from geo.gazetteer import place_addresses
from geo.locate import Locator
from geo.sample import sample_points

__all__ = ["Boundaries", "BoundaryError", "ImportReport", "Locator", "import_boundaries", "load_boundaries",
           "place_addresses", "sample_points", "simplified_geojson", "write_map_files"]

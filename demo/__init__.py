"""The demo city: the feed files each channel would really send for Wuzhou, 2020-01-20 .. 2020-04-30,
calibrated by construction to the March 2020 report (see demo.calibration), dirt included."""
from demo.build import FeedFile, write_feeds

__all__ = ["FeedFile", "write_feeds"]

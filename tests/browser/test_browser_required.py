"""The browser tests fail, not skip, when Chromium is missing: a run without a browser cannot pass."""
from __future__ import annotations

import pytest

from tests.browser import helpers


def test_missing_chromium_fails_instead_of_skipping(monkeypatch, tmp_path):
    monkeypatch.setattr(helpers, "CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(pytest.fail.Exception, match="no Chromium at"):
        helpers.require_chromium()

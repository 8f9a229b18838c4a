"""Issue 16.8: an unmask needs a purpose chosen from a list and a reason in the officer's own words; a refusal is
said beside the button and never written into the reason box (on main, 请先填写事由 went into the box and a
second click unmasked with that text as the audited reason)."""
import json

from auth import audit
from auth.state import State
from auth.users import add_user
from pages.i18n import LANGUAGES, t
from tests.pages.dash_client import PASSWORD, DashClient
from tests.pages.test_access import OWN, people, values  # noqa: F401  (fixtures)


def officer(app, app_config, name: str) -> DashClient:
    add_user(State(app_config.state_path), name, PASSWORD, "police", district_code=OWN)
    return DashClient(app, name)


def unmasks_of(app_config, name: str) -> list[dict]:
    return [r for r in audit.recent(State(app_config.state_path), 100_000, "person.unmask") if r["username"] == name]


def test_a_refusal_never_fills_the_reason_box_and_a_second_click_does_not_unmask(app, app_config, values):  # noqa: F811
    police = officer(app, app_config, "police-empty-reason")
    first = police.call("cm-unmask-reason.value", {**values, "cm-unmask-reason.value": ""}).outputs
    box = first.get("cm-unmask-reason.value", "")               # what the browser's reason box holds now
    assert box == "" and "cm-plan.children" not in first
    assert t("unmask.need_reason") in json.dumps(first, ensure_ascii=False)   # said, beside the box
    second = police.call("cm-unmask-reason.value", {**values, "cm-unmask-reason.value": box}).outputs
    assert "cm-plan.children" not in second
    assert unmasks_of(app_config, "police-empty-reason") == []


def test_an_error_text_sent_back_as_the_reason_is_refused(app, app_config, values):  # noqa: F811
    police = officer(app, app_config, "police-error-reason")
    for lang in LANGUAGES:
        for key in ("unmask.need_reason", "unmask.limit"):
            sent = {**values, "cm-unmask-reason.value": t(key, lang, n=20)}
            assert "cm-plan.children" not in police.call("cm-unmask-reason.value", sent).outputs
    assert unmasks_of(app_config, "police-error-reason") == []

"""Probation continuity simulator: the Streamlit app.

    streamlit run app.py        (or: make run)

Pages (app_pages/): Scenarios, Compare, Forecast, Workload, History, Exercise (a tabletop
exercise's facilitator), Room view (the same exercise for a projector), Player (the same
exercise on a player's own device, to vote), Evaluator (its evaluators' observations and
ratings) and Method. The scenario opened first is scenarios/reference-office.yaml, or the file
named by SIM_DEFAULT_SCENARIO.

Everything runs inside ``main()``: simulations run in worker processes that may import this file
to start (the ``spawn`` and ``forkserver`` methods do), and must not start the app again.
Streamlit serves every user from one process, so no module holds state that changes: each user's
work is in ``st.session_state``, shared read-only things in Streamlit's caches.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

# url path -> (title, icon); each page is the module app_pages.<module> (MODULES, or the path)
PAGES = {
    "scenarios": ("Scenarios", ":material/description:"),
    "compare": ("Compare", ":material/compare_arrows:"),
    "forecast": ("Forecast", ":material/event:"),
    "workload": ("Workload", ":material/groups:"),
    "history": ("History", ":material/history:"),
    "exercise": ("Exercise", ":material/groups_3:"),
    "room": ("Room view", ":material/co_present:"),
    "player": ("Player", ":material/how_to_vote:"),
    "evaluator": ("Evaluator", ":material/fact_check:"),
    "method": ("Method", ":material/menu_book:"),
}


MODULES = {"room": "exercise_room", "player": "exercise_player", "evaluator": "exercise_evaluator"}


def lazy(module: str) -> Callable[[], None]:
    """A page's render function that imports its module only when the page is shown."""

    def render() -> None:
        importlib.import_module(f"app_pages.{module}").render()

    render.__name__ = render.__qualname__ = f"render_{module}"
    return render


def main() -> None:
    import streamlit as st

    st.set_page_config(page_title="Probation continuity simulator", layout="wide")
    pages = [
        st.Page(
            lazy(MODULES.get(path, path)),
            title=title,
            url_path=path,
            icon=icon,
            default=path == "scenarios",
        )
        for path, (title, icon) in PAGES.items()
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()

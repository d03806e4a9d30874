"""Probation continuity simulator: the Streamlit app.

    streamlit run app.py        (or: make run)

Pages (app_pages/): Scenarios, Compare, Forecast, Workload, History and Method. The scenario
opened first is scenarios/reference-office.yaml, or the file named by SIM_DEFAULT_SCENARIO.

Everything runs inside ``main()``: simulations run in worker processes that may import this file
to start (the ``spawn`` and ``forkserver`` methods do), and must not start the app again.
Streamlit serves every user from one process, so no module holds state that changes: each user's
work is in ``st.session_state``, shared read-only things in Streamlit's caches.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot


def main() -> None:
    import streamlit as st

    from app_pages import compare, forecast, history, method, scenarios, workload

    st.set_page_config(page_title="Probation continuity simulator", layout="wide")
    pages = [
        st.Page(scenarios.render, title="Scenarios", url_path="scenarios", default=True,
                icon=":material/description:"),
        st.Page(compare.render, title="Compare", url_path="compare",
                icon=":material/compare_arrows:"),
        st.Page(forecast.render, title="Forecast", url_path="forecast",
                icon=":material/event:"),
        st.Page(workload.render, title="Workload", url_path="workload",
                icon=":material/groups:"),
        st.Page(history.render, title="History", url_path="history",
                icon=":material/history:"),
        st.Page(method.render, title="Method", url_path="method", icon=":material/menu_book:"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()

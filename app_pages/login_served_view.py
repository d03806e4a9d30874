"""The Compare page's section on whom a login cap served, per plan and role (only under a cap):
the plans' results read beside who got the sessions."""

from __future__ import annotations

import streamlit as st

from app_pages.widgets import table
from sim.experiments.compare import Experiment
from sim.outputs.login_served import CAPTION, served_by_role, unserved_sentences


def show_login_served(experiment: Experiment, labels: list[str]) -> None:
    roles = experiment.tables.get("login_roles")
    if roles is None or roles.empty:
        return
    served = served_by_role(roles, labels)
    st.subheader("Whom the login cap served")
    for sentence in unserved_sentences(served):
        st.warning(sentence)
    table(served, CAPTION, digits=1)

"""The Compare page's section on whom a login cap served, per plan and role (only under a cap):
the plans' results read beside who got the sessions."""

from __future__ import annotations

import streamlit as st

from sim.experiments.compare import Experiment
from sim.outputs.login_served import CAPTION, served_by_role, unserved_sentences
from sim.outputs.readable import readable


def show_login_served(experiment: Experiment, labels: list[str]) -> None:
    roles = experiment.tables.get("login_roles")
    if roles is None or roles.empty:
        return
    served = served_by_role(roles, labels)
    st.subheader("Whom the login cap served")
    for sentence in unserved_sentences(served):
        st.warning(sentence)
    st.dataframe(readable(served, 1), hide_index=True, height=36 * (len(served) + 1) + 4)
    st.caption(CAPTION)

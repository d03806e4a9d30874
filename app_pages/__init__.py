"""The pages of the Streamlit app (app.py) and the few pieces they share.

Each page module has a ``render()`` function that app.py hands to ``st.Page``. Pages are thin:
they read widgets, call the public API of :mod:`sim`, and show its tables and charts.
"""

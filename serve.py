"""Mesure commune, served: `uv run streamlit run serve.py`.

The same multipage app as `app.py` (the router, which AppTest also runs), plus what a
Streamlit script cannot do by itself (web.py): the routes that set and clear the session
cookie HttpOnly, and the middleware that keeps downloads and uploads behind a session and
tells the app the client's address. `streamlit run app.py` still works without them: a
sign-in then holds for its browser tab only.

On a first start of the demo initiative, the demo store is built from the moment the server
starts, not from the first visit: the first page follows the build under its progress bar.
"""

import streamlit as st

import web

web.set_up_process()
web.first_start()
base = str(st.get_option("server.baseUrlPath") or "")
app = st.App(
    "app.py", lifespan=web.lifespan, routes=web.routes(base), middleware=web.middleware(base)
)

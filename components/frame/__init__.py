"""The frame around every page, and the only owner of the URL.

``url`` is the one module that reads and writes ``st.query_params``; ``filters`` turns
the link into one validated view (``Filters``); ``links`` builds every link between
pages; ``sidebar`` draws the global controls; ``shell`` picks the snapshot and draws
the sidebar, banners, share panel and presentation bar; ``story``, ``present`` and
``share`` are the presenter's tools.
"""

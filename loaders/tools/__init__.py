"""Tools around the app: the ``python -m loaders`` command line, benchmarks, soak tests, browsers.

They may use any other part of ``loaders`` but never ``components`` or ``pages``: they
drive the app from outside (a served process, AppTest, Chromium).
"""

"""Builders of snapshot content: reference facts, published results, the synthetic demo, geometry.

They run when a snapshot or the boundaries are (re)built (``python -m loaders demo``,
``build-geo``), never in the app.
"""

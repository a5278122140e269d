"""Pure derivations over snapshot frames: ranks, comparisons, weights, records, searches.

Every module here is a set of ``DataFrame -> DataFrame`` (or array) functions: no
snapshot reads, no caching, no Streamlit. They import only ``loaders.schemas`` and
each other.
"""

"""Data layer: snapshot schemas and I/O, loaders, derivations and the ``python -m loaders`` CLI."""

"""Import a report table (CSV or XLSX) as a new edition of a snapshot: validated, nothing lost.

``python -m loaders import FILE --snapshot BASE --out NEW --edition-meta META.json``
reads one edition's scores or published ranks, matches every row to a county
(by adcode, by name in province/prefecture context, or through the snapshot's
division changes), checks every value, and writes a copy of BASE with the new
edition to NEW — or rejects the file (exit 2) with one line per problem. BASE is
never modified and NEW appears complete or not at all.

``python -m loaders import FILE --format published --snapshot BASE --out NEW`` reads
the long "published results" format instead (one row per published result, naming its
evaluator, edition and source; see ``loaders.imports.published``) with the same matching,
checks and guarantees.

The steps live apart: ``read`` (bytes, encodings, workbooks, headers, cells), ``match``
(county names and codes against a snapshot), ``table`` and ``published`` (the two
formats), ``write`` (a new snapshot, all or nothing) and ``cli``.
"""

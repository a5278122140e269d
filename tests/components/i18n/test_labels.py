"""Every code of the data has one label, and every label has Chinese."""

from __future__ import annotations

from components import i18n
from components.i18n import labels
from loaders import schemas


def test_every_code_has_a_label() -> None:
    for words, codes in (
        (labels.MODES, schemas.EDITION_MODES),
        (labels.DISCLOSURES, schemas.DISCLOSURE),
        (labels.RELIABILITIES, schemas.SOURCE_RELIABILITY),
        (labels.EVALUATOR_TYPES, schemas.EVALUATOR_TYPES),
        (labels.TIE_RELATIONS, schemas.TIE_RELATIONS),
        (labels.CONFIDENCES, schemas.CONFIDENCE),
        (labels.CONFIDENCE_BADGES, schemas.CONFIDENCE),
        (labels.RECORD_SOURCES, schemas.SOURCE_AGENCIES),
        (labels.RECORD_TYPES, schemas.RECORD_TYPES),
        (labels.RECORD_STATUSES, schemas.RECORD_STATUS),
        (labels.POLARITIES, schemas.POLARITY),
        (labels.DIVISION_TYPES, schemas.DIVISION_TYPES),
        (labels.METRICS, schemas.FIRST_LEVEL),
        (labels.METRIC_HEADERS, schemas.FIRST_LEVEL),
        (labels.TABLES, tuple(schemas.TABLES)),
    ):
        assert set(words) == set(codes)


def test_every_label_has_chinese() -> None:
    catalogue = i18n.catalogue()
    for name in dir(labels):
        words = getattr(labels, name)
        if name.isupper() and isinstance(words, dict):
            texts = [t for v in words.values() for t in (v if isinstance(v, tuple) else (v,))]
            assert all(text in catalogue for text in texts), name


def test_no_other_module_defines_a_code_label_dictionary() -> None:
    import ast

    from loaders import paths

    found = []
    for path in (paths.ROOT / "components").rglob("*.py"):
        if path.name == "labels.py":
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
                continue
            marked = [
                v for v in node.value.values
                if isinstance(v, ast.Call) and getattr(v.func, "id", "") == "mark"
            ]  # fmt: skip
            if len(marked) >= 3 and len(marked) == len(node.value.values):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []

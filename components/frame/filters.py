"""The view a link asks for: query parameters validated into one ``Filters`` value.

Pure: nothing here reads the URL or draws (``components.frame.url`` and
``components.frame.sidebar`` do). Every field of ``Filters`` has one meaning: the
province is a six-digit adcode or None (all of China), the comparison an edition id
or None; only the link spells a province with two digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from components import i18n
from components.frame import story
from components.i18n import labels, tr

# The view's own parameters, parsed here.
MANAGED = ("edition", "metric", "province", "county", "classes", "compare", "weights", "counties")
MAX_COUNTIES = 5  # counties compared side by side


class PageControl(StrEnum):
    """Page controls bound to the URL by Streamlit itself (``bind="query-params"``).

    The key of the widget is the parameter. Streamlit validates these against the
    widget's options and drops what does not fit, so the frame only knows them (and
    leaves them alone), never parses them.
    """

    PUBLISHED_SEARCH = "published_search"
    PUBLISHED_KINDS = "published_kinds"
    RANKINGS_SEARCH = "rankings_search"
    RANKINGS_PREFECTURE = "rankings_prefecture"
    RANKINGS_GRADES = "rankings_grades"
    RANKINGS_TOP = "top"
    METRICS_BOX_METRIC = "metrics_box_metric"
    SENSITIVITY_BAND = "sensitivity_band"
    SENSITIVITY_SEED = "sensitivity_seed"
    SENSITIVITY_TOP_N = "sensitivity_top_n"
    RECORDS_LAYER = "records_layer"
    RECORDS_MAP_MEASURE = "records_map_measure"
    RECORDS_MAP_POLARITY = "records_map_polarity"
    RECORDS_LIFECYCLE_TYPE = "records_lifecycle_type"
    RECORDS_STATUSES = "records_statuses"
    RECORDS_SOURCES = "records_sources"
    RECORDS_POLARITIES = "records_polarities"
    RECORDS_TYPES = "records_types"


PAGE_PARAMS = tuple(str(control) for control in PageControl)
# Parameters of the frame itself, with their valid values: validated, then carried
# through unchanged so links keep them.
CARRIED_VALUES: Mapping[str, tuple[str, ...]] = {"lang": ("en", "zh"), "present": ("0", "1")}
# A story (components/frame/story.py) and the step on screen: validated, then carried.
STORY_KEYS = ("story", "step")
# The data snapshot on screen, by its snapshot id; left out for the default snapshot.
SNAPSHOT_KEY = "snapshot"
CARRIED = (*CARRIED_VALUES, *STORY_KEYS, SNAPSHOT_KEY)
MAX_UNKNOWN_SHOWN = 5  # unknown parameters named in the notice; the rest are counted
MAX_VALUE = 10_000  # longer values are refused before they are parsed
N_WEIGHTS = 5  # one per first-level metric (schemas.FIRST_LEVEL order)
MAX_WEIGHT = 100.0
CLASSES = ("continuous", "quantile", "equal", "jenks", "grade")
DEFAULT_METRIC = "total"
DEFAULT_CLASSES = "continuous"
_SAFE = re.compile(r"[^0-9A-Za-z_.,-]")
_STEP = re.compile(r"[0-9]{1,3}")  # ASCII digits only: '²'.isdigit() is true


@dataclass(frozen=True)
class Choices:
    """What the open snapshot allows: valid editions, metrics, provinces and counties."""

    editions: tuple[str, ...]
    default_edition: str
    metrics: Mapping[str, tuple[str, ...]]
    provinces: tuple[str, ...]
    counties: frozenset[str]
    unscored_editions: frozenset[str] = frozenset()
    published_only: frozenset[str] = frozenset()  # editions with results but no ledger
    edition_labels: Mapping[str, str] = field(default_factory=dict)
    # edition id → (synthetic, evaluator, year, title, mode label): the picker's table
    edition_info: Mapping[str, tuple[bool, str, int, str, str]] = field(default_factory=dict)
    metric_labels: Mapping[str, str] = field(default_factory=dict)
    province_labels: Mapping[str, str] = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)  # old edition id → current
    snapshot: str = ""  # the id of the snapshot on screen
    snapshot_is_default: bool = True


@dataclass(frozen=True)
class Filters:
    """The current view: what every page filters by.

    ``province`` is a six-digit province adcode or None (all of China); ``compare`` an
    edition id or None (no comparison); ``weights`` one weight per first-level metric
    or None (the evaluator's own); ``carried`` the frame's other parameters (language,
    presentation, story) as the link gives them.
    """

    edition: str
    metric: str = DEFAULT_METRIC
    province: str | None = None
    county: str | None = None
    classes: str = DEFAULT_CLASSES
    carried: Mapping[str, str] = field(default_factory=dict)
    compare: str | None = None
    weights: tuple[float, ...] | None = None
    counties: tuple[str, ...] = ()  # compared side by side (Compare counties)

    def params(self, **changes: str | None) -> dict[str, str]:
        """Return the view as query parameters (defaults left out), with ``changes`` applied.

        Examples
        --------
        >>> Filters("e1", province="520000").params(county="520123")
        {'edition': 'e1', 'province': '52', 'county': '520123'}
        """
        values: dict[str, str | None] = {
            "edition": self.edition,
            "metric": None if self.metric == DEFAULT_METRIC else self.metric,
            "province": self.province[:2] if self.province else None,
            "county": self.county,
            "classes": None if self.classes == DEFAULT_CLASSES else self.classes,
            "compare": self.compare,
            "weights": format_weights(self.weights) if self.weights else None,
            "counties": ",".join(self.counties) or None,
            **self.carried,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}


def build_choices(
    editions: pl.DataFrame,
    indicators: pl.DataFrame,
    divisions: pl.DataFrame,
    renamed: Mapping[str, str] | None = None,
    *,
    snapshot: str = "",
    snapshot_is_default: bool = True,
) -> Choices:
    """Return the valid values and their labels from the snapshot's tables.

    Editions with scores or published results can be chosen, real ones first (labelled
    "Published"), then the synthetic demo ones ("Demo"); the default is the latest
    synthetic third-party edition. Metrics are ``total`` and the edition's first- and
    second-level indicators. Labels are in the interface language. ``renamed`` maps old
    edition ids (still in older links) to the current ones; ``snapshot`` is the id of
    the snapshot on screen, which links carry unless it is the default.
    """
    chosen = editions.filter(pl.col("has_results")).sort(
        "is_synthetic", "evaluator_en", "data_year", "edition_id"
    )
    ids = tuple(chosen.get_column("edition_id"))
    scored = chosen.filter(pl.col("has_scores") & pl.col("is_synthetic"))
    latest = scored.sort(pl.col("mode") == "third_party", "data_year", descending=True)
    if latest.is_empty():
        latest = chosen
    labels_ = {row["edition_id"]: edition_label(row) for row in chosen.iter_rows(named=True)}
    info = {row["edition_id"]: edition_info(row) for row in chosen.iter_rows(named=True)}
    metrics = {
        e: (DEFAULT_METRIC, *indicators.filter(pl.col("edition_id") == e)["indicator_id"])
        for e in ids
    }
    zh = i18n.is_zh()
    metric_labels = {DEFAULT_METRIC: tr("Total score")}
    for row in indicators.iter_rows(named=True):
        indent = "" if row["level"] == 1 else "· "
        name = row["name_zh"] if zh else f"{row['name_en']} {row['name_zh']}"
        metric_labels[row["indicator_id"]] = f"{indent}{name}"
    provinces = divisions.select("province_adcode", "province_name_en", "province_name_zh").unique()
    return Choices(
        editions=ids,
        default_edition=latest.item(0, "edition_id") if ids else "",
        metrics=metrics,
        provinces=tuple(sorted(provinces.get_column("province_adcode"))),
        counties=frozenset(divisions.get_column("adcode")),
        unscored_editions=frozenset(
            editions.filter(~pl.col("has_results")).get_column("edition_id")
        ),
        published_only=frozenset(  # drawn as published results: no ledger of what was scored
            editions.filter(pl.col("has_results") & ~pl.col("has_ledger")).get_column("edition_id")
        ),
        edition_labels=labels_,
        edition_info=info,
        metric_labels=metric_labels,
        province_labels={
            code: name_zh if zh else f"{name_en} {name_zh}"
            for code, name_en, name_zh in provinces.iter_rows()
        },
        renamed=dict(renamed or {}),
        snapshot=snapshot,
        snapshot_is_default=snapshot_is_default,
    )


def edition_label(row: Mapping[str, object]) -> str:
    """Return an edition's label for pickers: real ones "Published", synthetic ones "Demo".

    Names and titles are in the interface language (``evaluator_zh``/``title_zh`` in
    Chinese).

    Examples
    --------
    >>> edition_label({"data_year": 2021, "evaluator_en": "CASS", "is_synthetic": False,
    ...     "mode": "third_party", "title_en": "Transparency index"})
    'Published · 2021 · CASS · Transparency index'
    """
    kind = tr("Demo") if row["is_synthetic"] else tr("Published")
    evaluator = i18n.pick(row.get("evaluator_en"), row.get("evaluator_zh"))
    parts = [kind, str(row["data_year"]), evaluator]
    if row["mode"] != "third_party":
        mode = str(row["mode"])
        parts.append(tr(labels.MODES[mode]) if mode in labels.MODES else mode.replace("_", " "))
    title = i18n.pick(row.get("title_en"), row.get("title_zh"))
    if not row["is_synthetic"] and title:
        parts.append(title[:60])
    return " · ".join(parts)


def edition_info(row: Mapping[str, object]) -> tuple[bool, str, int, str, str]:
    """Return what the edition picker shows of an edition, in the interface language.

    Examples
    --------
    >>> edition_info({"data_year": 2021, "evaluator_en": "CASS", "is_synthetic": False,
    ...     "mode": "upper_level_audit", "title_en": "Transparency index"})
    (False, 'CASS', 2021, 'Transparency index', 'upper-level audit')
    """
    mode = str(row["mode"])
    return (
        bool(row["is_synthetic"]),
        i18n.pick(row.get("evaluator_en"), row.get("evaluator_zh")),
        int(str(row["data_year"])),
        i18n.pick(row.get("title_en"), row.get("title_zh")),
        tr(labels.MODES[mode]) if mode in labels.MODES else mode.replace("_", " "),
    )


def shown(value: str, limit: int = 24) -> str:
    """Return a user-supplied value made safe to show: no markup characters, bounded length.

    Examples
    --------
    >>> shown("<script>alert(1)</script>")
    '?script?alert?1???script…'
    >>> shown("9" * 40)
    '999999999999999999999999…'
    """
    cleaned = _SAFE.sub("?", value[:limit])
    return cleaned + ("…" if len(value) > limit else "")


def literal(value: str) -> str:
    """Return a user-supplied value for a notice: cleaned by ``shown``, in a code span.

    The code span keeps even what cleaning leaves (e.g. ``www.example.com``, which
    Markdown would turn into a link) literal.
    """
    return f"`{shown(value)}`" if value else tr("(empty)")


def format_weights(weights: Sequence[float]) -> str:
    """Return weights as the ``weights`` parameter: comma-separated, no needless decimals.

    Examples
    --------
    >>> format_weights((100, 0, 12.5, 0, 0))
    '100,0,12.5,0,0'
    """
    return ",".join(f"{w:g}" for w in weights)


def parse_weights(value: str) -> tuple[float, ...] | None:
    """Return five weights from ``a,b,c,d,e`` (each 0–100, not all zero), or None if invalid.

    Examples
    --------
    >>> parse_weights("100,0,0,0,0")
    (100.0, 0.0, 0.0, 0.0, 0.0)
    >>> [parse_weights(v) for v in ("1,2,3", "1,-1,1,1,1", "a,b,c,d,e", "0,0,0,0,0", "nan,1,1,1,1")]
    [None, None, None, None, None]
    """
    parts = value.split(",")
    if len(parts) != N_WEIGHTS or len(value) > 120:
        return None
    try:
        weights = tuple(float(p) for p in parts)
    except ValueError:
        return None
    if not all(0.0 <= w <= MAX_WEIGHT for w in weights) or sum(weights) <= 0:
        return None  # also rejects nan and inf: comparisons with them are false
    return weights


def parse_counties(value: str, counties: frozenset[str]) -> tuple[str, ...] | None:
    """Return up to :data:`MAX_COUNTIES` distinct known adcodes from ``a,b,…``, or None.

    Examples
    --------
    >>> known = frozenset({"520123", "520621"})
    >>> parse_counties("520123,520621,520123", known)
    ('520123', '520621')
    >>> [parse_counties(v, known) for v in ("520123,999999", "", "1,2,3,4,5,6")]
    [None, None, None]
    """
    parts = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    if not parts or len(parts) > MAX_COUNTIES or len(value) > 80:
        return None
    return parts if all(p in counties for p in parts) else None


def province_code(value: str, provinces: Sequence[str]) -> str | None:
    """Return the six-digit province adcode a link's ``province`` means, or None.

    Examples
    --------
    >>> province_code("52", ("520000",)), province_code("520000", ("520000",))
    ('520000', '520000')
    >>> province_code("99", ("520000",)) is None
    True
    """
    code = value.strip()
    if re.fullmatch(r"[0-9]{2}", code):
        code += "0000"
    return code if code in provinces else None


class _Reader:
    """The link's values, read once; each ``ignore`` adds a notice that quotes inertly."""

    def __init__(self, raw: Mapping[str, str | Sequence[str]]) -> None:
        self.notices: list[str] = []
        self.values: dict[str, str] = {}
        self.unknown: list[str] = []
        for key, given in raw.items():
            found = [str(v) for v in given] if isinstance(given, list | tuple) else [str(given)]
            if key in PAGE_PARAMS:
                continue
            if key not in MANAGED and key not in CARRIED:
                self.unknown.append(key)
                continue
            if len(found) > 1:
                self.notices.append(
                    tr(
                        "Ignored all but the last {key}: the link gives it {n} times.",
                        key=key,
                        n=len(found),
                    )
                )
            if not found or found[-1] == "":
                self.notices.append(tr("Ignored {key}: it is empty.", key=key))
            elif len(found[-1]) > MAX_VALUE:
                self.notices.append(
                    tr("Ignored {key}: longer than {n} characters.", key=key, n=MAX_VALUE)
                )
            else:
                self.values[key] = found[-1]

    def ignore(self, name: str, why: str) -> None:
        self.notices.append(
            tr(
                "Ignored {name} {value}: {why}.",
                name=name,
                value=literal(self.values[name]),
                why=why,
            )
        )

    def pick(self, name: str, valid: Callable[[str], object], why: str) -> object:
        """Return ``valid(value)`` for the link's ``name``, or None with a notice when it is."""
        value = self.values.get(name)
        if not value:
            return None
        parsed = valid(value)
        if parsed is None or parsed is False:
            self.ignore(name, why)
            return None
        return value if parsed is True else parsed

    def unknown_notice(self) -> str | None:
        if not self.unknown:
            return None
        names = ", ".join(literal(k) for k in self.unknown[:MAX_UNKNOWN_SHOWN])
        more = len(self.unknown) - MAX_UNKNOWN_SHOWN
        read = ", ".join((*MANAGED, *CARRIED))
        if more > 0:
            return tr(
                "Ignored unknown parameters {names} and {more} more: the app reads only {read}.",
                names=names,
                more=more,
                read=read,
            )
        if len(self.unknown) > 1:
            return tr(
                "Ignored unknown parameters {names}: the app reads only {read}.",
                names=names,
                read=read,
            )
        return tr(
            "Ignored unknown parameter {names}: the app reads only {read}.",
            names=names,
            read=read,
        )


def parse_params(
    raw: Mapping[str, str | Sequence[str]], choices: Choices
) -> tuple[Filters, list[str]]:
    """Validate query parameters against the snapshot; return the view and notices.

    Total: any input gives a view. Unknown or invalid values fall back to defaults,
    each with a plain-text notice that shows the value only as a cleaned code span.
    Empty and overlong values and unknown parameters are ignored with a notice too; a
    repeated parameter uses its last value.

    Examples
    --------
    >>> c = Choices(("e1", "e2"), "e2", {"e1": ("total",), "e2": ("total", "x")},
    ...     ("520000",), frozenset({"520123"}))
    >>> f, notes = parse_params({"edition": "e1", "province": "52", "metric": "x"}, c)
    >>> (f.edition, f.province, f.metric)
    ('e1', '520000', 'total')
    >>> notes
    ['Ignored metric `x`: not an indicator of this edition.']
    """
    link = _Reader(raw)
    for name in ("edition", "compare"):
        old = link.values.get(name)
        if old is not None and old in choices.renamed:
            link.values[name] = choices.renamed[old]
            link.notices.append(
                tr(
                    "Edition {old} is now called {new}: the link opens it.",
                    old=literal(old),
                    new=literal(choices.renamed[old]),
                )
            )
    edition = link.values.get("edition") or choices.default_edition
    if "edition" in link.values and edition not in choices.editions:
        link.ignore(
            "edition",
            tr("it has no published results in this snapshot (see About the data)")
            if edition in choices.unscored_editions
            else tr("no such edition in this snapshot"),
        )
        edition = choices.default_edition
    metrics = choices.metrics.get(edition, ())
    metric = link.pick("metric", metrics.__contains__, tr("not an indicator of this edition"))
    province = link.pick(
        "province",
        lambda v: province_code(v, choices.provinces),
        tr("use a 2- or 6-digit province code such as 52 or 520000"),
    )
    county = link.pick(
        "county", choices.counties.__contains__, tr("not a county-level adcode in this snapshot")
    )
    classes = link.pick(
        "classes", CLASSES.__contains__, tr("use one of {values}", values=", ".join(CLASSES))
    )
    compare = link.pick(
        "compare",
        lambda v: v in choices.editions and v != edition,
        tr("not another edition with scores in this snapshot"),
    )
    weights = link.pick(
        "weights", parse_weights, tr("give {n} numbers from 0 to 100, not all zero", n=N_WEIGHTS)
    )
    counties = link.pick(
        "counties",
        lambda v: parse_counties(v, choices.counties),
        tr("give one to {n} adcodes of this snapshot, comma-separated", n=MAX_COUNTIES),
    )
    carried: dict[str, str] = {}
    for name, allowed in CARRIED_VALUES.items():
        value = link.pick(
            name,
            allowed.__contains__,
            tr("use {first} or {second}", first=allowed[0], second=allowed[1]),
        )
        if value is not None:
            carried[name] = str(value)
    carried |= _story_params(link)
    carried |= snapshot_param(link.values.get(SNAPSHOT_KEY), choices, link)
    notice = link.unknown_notice()
    if notice:
        link.notices.append(notice)
    filters = Filters(
        edition,
        str(metric or DEFAULT_METRIC),
        str(province) if province else None,
        str(county) if county else None,
        str(classes or DEFAULT_CLASSES),
        carried,
        str(compare) if compare else None,
        weights if isinstance(weights, tuple) else None,
        counties if isinstance(counties, tuple) else (),
    )
    return filters, link.notices


def snapshot_param(
    given: str | None, choices: Choices, link: _Reader | None = None
) -> dict[str, str]:
    """Return the ``snapshot`` parameter the view carries: the id on screen, unless default.

    A link naming another snapshot than the one on screen (the frame has already
    switched to it when it exists and verifies) is ignored with a notice.

    Examples
    --------
    >>> c = Choices((), "", {}, (), frozenset(), snapshot="s2", snapshot_is_default=False)
    >>> snapshot_param(None, c)
    {'snapshot': 's2'}
    """
    if given and given != choices.snapshot and link is not None:
        link.ignore(SNAPSHOT_KEY, tr("no usable snapshot with this id on this server"))
    if choices.snapshot_is_default or not choices.snapshot:
        return {}
    return {SNAPSHOT_KEY: choices.snapshot}


def _story_params(link: _Reader) -> dict[str, str]:
    """Return the valid ``story`` and ``step`` of the link; report the invalid ones."""
    kept: dict[str, str] = {}
    steps = None
    if "story" in link.values:
        try:
            steps = story.decode(link.values["story"])
            kept["story"] = link.values["story"]
        except story.StoryError as exc:
            link.ignore("story", str(exc))
    if "step" in link.values:
        step = link.values["step"]
        if steps and _STEP.fullmatch(step) and 1 <= int(step) <= len(steps):
            kept["step"] = str(int(step))
        else:
            link.ignore(
                "step",
                tr("use 1 to {n}", n=len(steps)) if steps else tr("it needs a valid story"),
            )
    return kept

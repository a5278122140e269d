"""Reading an input file: size, type, encoding, workbook safety, the header, cell values."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loaders import schemas
from loaders.store.snapshot import remove_stale
from loaders.xlsx import column_letters

MAX_BYTES = 20_000_000  # larger files are rejected before parsing

MAX_ROWS = 1_000_000  # rows of one table (a report lists ~2,900 counties at most)

MAX_FIELD = 131_072  # characters in one cell (csv's own limit; a county name is ~10)

UPLOAD_PREFIX = "import-"  # temporary folders of uploads (system temp folder)

MAX_UNZIPPED = 200_000_000  # XLSX: total uncompressed size

MAX_RATIO = 100  # XLSX: uncompressed / compressed, per member (zip bombs)

HEADER_SCAN = 12  # rows searched for the header (title rows above it)

MISSING = {"", "—", "–", "-", "－", "无", "/", "／", "n/a", "na", "null", "none", "暂无", "空"}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Canonical column → accepted header spellings (compared after `_key`).
ALIASES: dict[str, tuple[str, ...]] = {
    "rank": ("排名", "名次", "排序", "rank", "ranking", "position"),
    "county": (
        "县(市、区)",
        "县(市,区)",
        "县（市、区）",
        "县区",
        "县市区",
        "区县",
        "县",
        "县级政府",
        "县级行政区",
        "地区",
        "名称",
        "单位",
        "county",
        "countyname",
        "name",
        "district",
    ),
    "province": ("所属省份", "省份", "省", "省(区、市)", "所在省份", "province"),
    "prefecture": ("地级市", "所属地市", "地市", "所属市", "市", "prefecture", "city"),
    "adcode": ("行政区划代码", "区划代码", "代码", "adcode", "code", "gbcode"),
    "total": ("总分", "得分", "综合得分", "分数", "总得分", "score", "total", "totalscore"),
    "band": ("榜单", "类别", "等级", "band", "list", "grade"),
    "transparency": ("透明度", "政务公开", "transparency"),
    "compliance": ("合规度", "依法行政", "compliance"),
    "honoring_agreements": ("践约度", "守信践诺", "honoringagreements", "honoring"),
    "integrity_work": ("政务诚信专项工作", "专项工作", "integritywork"),
    "public_opinion": ("政务舆情事件", "舆情", "政务舆情", "publicopinion"),
}

SCORE_COLUMNS = ("total", *schemas.FIRST_LEVEL)

IGNORED_HEADERS = ("序号", "no", "#", "备注", "note", "notes")


class ImportRejected(Exception):
    """The input cannot be imported; ``problems`` says why, row by row where possible."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (spreadsheet row, column) and what."""

    row: int | None
    column: str | None
    value: str
    message: str
    severity: str = "error"  # or "warning" (reported, does not reject)

    def line(self) -> str:
        """Return the problem as one readable line."""
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column!r}"
        value = f" (value {self.value!r})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class Table:
    """A decoded input table: rows of text cells, how it was read, and header facts."""

    rows: list[list[str]]
    encoding: str
    sheet: str | None = None
    header_row: int = 0  # index into rows of the (last) header row
    # XLSX: (row index, cell index) → (cell address, formula) of formula cells that
    # carry no cached value (the workbook was never recalculated and saved).
    uncached: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    columns: dict[int, str] = field(default_factory=dict)  # cell index → canonical name
    unknown: dict[int, str] = field(default_factory=dict)  # cell index → header as written


# ---------------------------------------------------------------------------------------
# reading: size, type, encoding, workbook safety
# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def upload_file(data: bytes, name: str) -> Iterator[Path]:
    """Write an uploaded file to a private temporary folder; remove it when done.

    The name keeps letters, digits, dots and dashes only, so it cannot leave the folder.
    The folder goes on every path out (return, error, a stopped script run); a process
    killed meanwhile leaves it to the next run (``loaders.store.remove_stale``).
    """
    remove_stale(Path(tempfile.gettempdir()), UPLOAD_PREFIX)
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    try:
        path = folder / (re.sub(r"[^\w.\-]", "_", Path(name).name).strip(".") or "upload.csv")
        path.write_bytes(data)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_bytes(path: Path) -> bytes:
    """Return the file's bytes, rejecting missing, empty and oversized files."""
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ImportRejected(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise ImportRejected(f"{path}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
    return path.read_bytes()


def check_workbook(data: bytes) -> None:
    """Reject an XLSX that is not a zip, is a zip bomb, or carries XML entity declarations."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRejected("not an XLSX workbook (the file is not a zip archive)") from None
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_UNZIPPED:
            raise ImportRejected(f"workbook unpacks to {total:,} bytes: refused (zip bomb?)")
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise ImportRejected(
                    f"workbook member {member.filename} compresses {MAX_RATIO}+ times: "
                    "refused (zip bomb?)"
                )
        if "[Content_Types].xml" not in archive.namelist():
            raise ImportRejected("not an XLSX workbook (no [Content_Types].xml)")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                head = archive.read(member)[:4096].upper()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportRejected(
                        f"workbook member {member.filename} declares XML entities: refused"
                    )


def read_xlsx(
    data: bytes, sheet: str | None
) -> tuple[list[list[str]], str, dict[tuple[int, int], tuple[str, str]]]:
    """Return the rows of one worksheet as text, the sheet's name and its uncached formulas.

    A workbook with several non-empty sheets needs ``sheet``. A formula cell is read
    as its cached value; one without (never recalculated) is returned as its formula
    text, with its address, so the checker reports it instead of reading it as missing.
    """
    check_workbook(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise ImportRejected(f"the workbook cannot be read: {exc}") from exc
    try:
        filled = [ws.title for ws in book.worksheets if ws.max_row and ws.max_row > 1]
        if sheet is None:
            if len(filled) > 1:
                raise ImportRejected(
                    f"the workbook has {len(filled)} sheets with data ({', '.join(filled)}); "
                    "choose one with --sheet NAME"
                )
            if not filled:
                raise ImportRejected("the workbook has no sheet with data")
            sheet = filled[0]
        if sheet not in book.sheetnames:
            raise ImportRejected(f"no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        rows: list[list[str]] = []
        uncached: dict[tuple[int, int], tuple[str, str]] = {}
        cells = zip(
            book[sheet].iter_rows(values_only=True),
            formulas[sheet].iter_rows(values_only=True),
            strict=False,
        )
        for r, (values, written) in enumerate(cells):
            row = []
            for c, value in enumerate(values):
                formula = written[c] if c < len(written) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    uncached[(r, c)] = (f"{column_letters(c)}{r + 1}", formula)
                    value = formula
                text = "" if value is None else _cell_text(value)
                if len(text) > MAX_FIELD:
                    raise ImportRejected(
                        f"cell {column_letters(c)}{r + 1} holds {len(text):,} characters: "
                        f"over the {MAX_FIELD:,}-character limit of a cell; refused"
                    )
                row.append(text)
            rows.append(row)
            _check_rows(len(rows))
    finally:
        book.close()
        formulas.close()
    return rows, sheet, uncached


def _check_rows(count: int) -> None:
    if count > MAX_ROWS:
        raise ImportRejected(
            f"the file has more than {MAX_ROWS:,} rows: refused (a report table lists one "
            "row per county; split larger files)"
        )


def read_csv(text: str, dialect: str) -> list[list[str]]:
    """Return the rows of CSV text; an overlong field or a row limit is a rejection."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        for row in reader:
            # NOTE: checked here too: csv's own limit is process-global, and some libraries
            # (frictionless) raise it on import.
            if any(len(cell) > MAX_FIELD for cell in row):
                raise ImportRejected(_overlong(reader.line_num))
            rows.append(row)
            if len(rows) > MAX_ROWS:
                _check_rows(len(rows))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportRejected(_overlong(reader.line_num)) from None
        raise ImportRejected(f"line {reader.line_num}: not readable as CSV ({exc})") from None
    return rows


def _overlong(line: int) -> str:
    return f"line {line}: a field is over the {MAX_FIELD:,}-character limit of a cell; refused"


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Return the text of a CSV and the encoding used.

    A byte-order mark decides; else ``encoding`` if given; else strict UTF-8, then
    GB18030. Binary content (NUL bytes, a zip) is rejected.
    """
    if data.startswith(b"PK\x03\x04"):
        raise ImportRejected("this is a zip/XLSX file, not a CSV: give it an .xlsx name")
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, name in boms:
        if data.startswith(bom):
            return _strict(data, name), name
    if encoding:
        return _strict(data, encoding), encoding
    if b"\x00" in data:
        raise ImportRejected("the file holds binary data (NUL bytes): not a CSV")
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise ImportRejected(
        "the file is neither UTF-8 nor GB18030 text; give its encoding with --encoding"
    )


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportRejected(f"cannot decode the file as {encoding}: {exc}") from None


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Read a CSV or XLSX file into a :class:`Table` and find its header.

    The header is the first of the top rows in which at least two cells are known
    column names (title rows above it are skipped); a second header row directly
    below it (merged header cells) contributes the names its first row lacks.
    """
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet, uncached = read_xlsx(data, sheet)
        table = Table(rows, "xlsx", sheet, uncached=uncached)
    elif suffix in (".csv", ".txt", ".tsv"):
        text, used = decode(data, encoding)
        dialect = "excel-tab" if suffix == ".tsv" or text.count("\t") > text.count(",") else "excel"
        table = Table(read_csv(text, dialect), used)
    else:
        raise ImportRejected(f"{path.name}: only .csv and .xlsx files can be imported")
    find_header(table)
    return table


# ---------------------------------------------------------------------------------------
# header
# ---------------------------------------------------------------------------------------
def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-·:：*]", "", folded)


_ALIAS_KEYS = {_key(a): name for name, spellings in ALIASES.items() for a in spellings}

_IGNORED_KEYS = {_key(h) for h in IGNORED_HEADERS}


def column_name(header: str) -> str | None:
    """Return the canonical column a header names, or None.

    Examples
    --------
    >>> column_name(" 县（市、区） "), column_name("RANK"), column_name("总 分"), column_name("x")
    ('county', 'rank', 'total', None)
    """
    return _ALIAS_KEYS.get(_key(header))


def find_header(table: Table) -> None:
    """Locate the header row and map its cells to canonical columns (see :func:`read_table`)."""
    for index, row in enumerate(table.rows[:HEADER_SCAN]):
        names = {i: column_name(cell) for i, cell in enumerate(row) if cell.strip()}
        known = {i: n for i, n in names.items() if n}
        if len(known) < 2:
            continue
        below = table.rows[index + 1] if index + 1 < len(table.rows) else []
        named = {i: column_name(cell) for i, cell in enumerate(below) if cell.strip()}
        extra = {i: n for i, n in named.items() if n and i not in known and n != "county"}
        if extra and not any(_looks_like_data(c) for c in below):
            known |= extra
            index += 1
        table.header_row = index
        table.columns = known
        header_cells = table.rows[table.header_row]
        table.unknown = {
            i: cell
            for i, cell in enumerate(header_cells)
            if cell.strip() and i not in known and _key(cell) not in _IGNORED_KEYS
        }
        return
    encoding = table.encoding
    hint = (
        ""
        if encoding == "xlsx"
        else f" The file was decoded as {encoding}; if it uses another encoding "
        "(e.g. Big5), give it with --encoding."
    )
    raise ImportRejected(
        "no header row found in the first rows: expected column names such as "
        f"排名/rank, 县(市、区)/county, 省份/province, 总分/score.{hint}"
    )


def _looks_like_data(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*[\d.,%]+\s*", cell))


# ---------------------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------------------
def clean_text(value: str) -> str:
    """Return a cell's text normalised: NFKC (full-width to half-width), trimmed.

    Examples
    --------
    >>> clean_text("　修文县 "), clean_text("５２０１２３")
    ('修文县', '520123')
    """
    return unicodedata.normalize("NFKC", value).strip()


def is_missing(value: str) -> bool:
    """Return whether a cell means "no value" (empty, a dash, 无 …) — never zero."""
    return clean_text(value).lower() in MISSING


def parse_number(value: str, *, scale: float = 100.0) -> float:
    """Return a number from a cell: thousands separators dropped, percent of ``scale``.

    Raises ValueError for text that is not a number.

    Examples
    --------
    >>> parse_number("1,234.5"), parse_number("85%"), parse_number("８７．５")
    (1234.5, 85.0, 87.5)
    """
    text = clean_text(value).replace(",", "").replace("，", "").replace(" ", "")
    number = float(text[:-1]) * scale / 100.0 if text.endswith("%") else float(text)
    if not math.isfinite(number):  # nan, inf, and nan% (a percentage of nothing)
        raise ValueError(value)
    return number


def formula_like(value: str) -> bool:
    """Return whether a cell would run as a spreadsheet formula (numbers and dashes never do).

    Examples
    --------
    >>> [formula_like(v) for v in ("=SUM(A1)", chr(9) + "=1", "@cmd", "-3.5", "—", "修文县")]
    [True, True, True, False, False, False]
    """
    if is_missing(value) or numeric(value):
        return False
    return value.startswith(FORMULA_START) or clean_text(value).startswith(FORMULA_START)


def numeric(value: str) -> bool:
    """Return whether a cell reads as a number (thousands separators and % allowed)."""
    try:
        parse_number(value)
    except ValueError:
        return False
    return True


def sheet_names(path: Path) -> list[str]:
    """Return the worksheet names of an XLSX file (checked for bombs first)."""
    data = read_bytes(path)
    check_workbook(data)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()

"""Matching county names and codes to a snapshot: context, old codes, division changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from loaders.imports.read import clean_text

ONE_TO_ONE = ("rename", "county_to_city", "county_to_district")


# ---------------------------------------------------------------------------------------
# matching rows to counties
# ---------------------------------------------------------------------------------------
_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|县|区|市|旗)$")


def _stem(name: str) -> str:
    return _SUFFIX.sub("", name)


@dataclass(frozen=True)
class Match:
    """The outcome of matching one row: an adcode, or why not."""

    adcode: str | None
    problem: str | None = None
    retired: bool = False  # the unit no longer exists (merged, split, abolished)


class Matcher:
    """Match county names and codes against a snapshot's divisions and division changes."""

    def __init__(self, divisions: pl.DataFrame, changes: pl.DataFrame) -> None:
        """Index the divisions by code, name and stem, and the changes by old code and name.

        Every lookup is a dictionary access, so a name is matched in microseconds
        whatever the number of divisions (a scan over them took ~6 ms per row).
        """
        self.divisions = divisions
        self.codes = set(divisions.get_column("adcode"))
        self.rows = divisions.select(
            "adcode", "name_zh", "prefecture_name_zh", "province_name_zh", "province_name_en"
        ).to_dicts()
        self.changes = changes.to_dicts()
        self.provinces = {r["province_name_zh"] for r in self.rows} | {
            r["province_name_en"] for r in self.rows
        }
        self.prefectures = {r["prefecture_name_zh"] for r in self.rows}
        # Prefix lengths, longest first: a name's context is stripped by slicing.
        self._prefixes = [
            (sorted({len(p) for p in names if p}, reverse=True), names)
            for names in (self.provinces, self.prefectures)
        ]
        self._by_name: dict[str, list[int]] = {}
        self._by_stem: dict[str, list[int]] = {}
        for index, row in enumerate(self.rows):
            self._by_name.setdefault(row["name_zh"], []).append(index)
            self._by_stem.setdefault(_stem(row["name_zh"]), []).append(index)
        self._change_by_code: dict[str, dict[str, Any]] = {}
        self._changes_by_name: dict[str, list[int]] = {}
        for index, change in enumerate(self.changes):
            self._change_by_code.setdefault(change["from_adcode"], change)
            self._changes_by_name.setdefault(change["from_name_zh"], []).append(index)
        self._province_has: dict[tuple[str, str], bool] = {}

    def _province_ok(self, row: dict[str, Any], province: str) -> bool:
        p = province.lower()
        return bool(
            row["province_name_zh"].startswith(province)
            or province.startswith(row["province_name_zh"][:2])
            or row["province_name_en"].lower() == p
        )

    def _strip_context(self, name: str) -> str:
        """Drop a leading province and prefecture name (山东省青岛市胶州市 → 胶州市)."""
        for lengths, names in self._prefixes:
            for length in lengths:
                if len(name) > length and name[:length] in names:
                    name = name[length:]
                    break
        return name

    def by_code(self, code: str) -> Match:
        """Match a six-digit code (old codes through one-to-one division changes)."""
        code = clean_text(code)
        if not re.fullmatch(r"\d{6}", code):
            return Match(None, "not a six-digit adcode")
        if code in self.codes:
            return Match(code)
        change = self._change_by_code.get(code)
        if change is not None:
            return self._follow(change)
        return Match(None, "unknown adcode (not a county-level code in this snapshot)")

    def _follow(self, change: dict[str, Any]) -> Match:
        if change["change_type"] in ONE_TO_ONE and change["to_adcode"] in self.codes:
            return Match(change["to_adcode"])
        year = change["effective_year"]
        what = f"{change['change_type'].replace('_', ' ')} in {year}"
        if change["to_name_zh"]:
            what += f" (now part of {change['to_name_zh']})"
        return Match(None, f"{change['from_name_zh']} no longer exists: {what}", retired=True)

    def within(self, text: str, *, province: str = "") -> Match:
        """Match the county-level unit that a body's name starts from.

        A department, township or website is named with the county it sits in
        ("山西省泽州县林业局", "福建省福安市“晓阳镇人民政府”网"): after the province and
        prefecture, the text must start with the unit's full name (the longest where
        two fit). A unit renamed since (遵义县新舟镇) is followed through the division
        changes.

        Examples
        --------
        >>> d = pl.DataFrame({"adcode": ["140525", "140500"], "name_zh": ["泽州县", "城区"],
        ...     "prefecture_name_zh": ["晋城市", "晋城市"], "province_name_zh": ["山西省"] * 2,
        ...     "province_name_en": ["Shanxi"] * 2})
        >>> Matcher(d, pl.DataFrame()).within("山西省泽州县林业局", province="山西省").adcode
        '140525'
        """
        text = re.sub(r"[\s“”\"'「」《》]", "", clean_text(text))
        bare = self._strip_context(text)
        found = [
            row
            for row in self.rows
            if bare.startswith(row["name_zh"])
            and not (province and not self._province_ok(row, province))
        ]
        if found:
            longest = max(len(row["name_zh"]) for row in found)
            first = [row for row in found if len(row["name_zh"]) == longest]
            if len(first) > 1:
                codes = ", ".join(row["adcode"] for row in first)
                return Match(None, f"ambiguous: {text} names {len(first)} units ({codes})")
            return Match(first[0]["adcode"])
        for change in self.changes:
            old = change["from_name_zh"]
            if old and bare.startswith(old) and change["change_type"] in ONE_TO_ONE:
                return self._follow(change)
        return Match(None, f"no county-level unit named in {text}")

    def by_name(self, name: str, *, province: str = "", prefecture: str = "") -> Match:
        """Match a name within its province/prefecture context; ambiguity is an error."""
        name = re.sub(r"\s+", "", clean_text(name))
        province, prefecture = clean_text(province), clean_text(prefecture)
        prefecture = re.sub(r"\s*\((inf|推断)\)$", "", prefecture)
        if not name:
            return Match(None, "no county name")
        bare = self._strip_context(name)

        def context(row: dict[str, Any]) -> bool:
            if province and not self._province_ok(row, province):
                return False
            return not (prefecture and not row["prefecture_name_zh"].startswith(prefecture[:2]))

        stems = {_stem(name), _stem(bare)}
        for candidates in (
            self._rows(self._by_name, {name, bare}),
            self._rows(self._by_stem, stems),
        ):
            inside = [r for r in candidates if context(r)]
            if len(inside) == 1:
                return Match(inside[0]["adcode"])
            if len(inside) > 1:
                codes = ", ".join(r["adcode"] for r in inside[:6])
                return Match(
                    None,
                    f"ambiguous: {len(inside)} units named {bare} ({codes}); "
                    "give the province and prefecture or the adcode",
                )
        found = sorted({i for key in {name, bare} for i in self._changes_by_name.get(key, [])})
        for change in (self.changes[i] for i in found):
            if (
                not province
                or not change["from_adcode"]
                or self._province_holds(str(change["from_adcode"])[:2], province)
            ):
                return self._follow(change)
        where = " in " + " ".join(x for x in (province, prefecture) if x) if province else ""
        return Match(None, f"no county-level unit named {bare}{where} in this snapshot")

    def _rows(self, index: dict[str, list[int]], keys: set[str]) -> list[dict[str, Any]]:
        """Return the division rows under ``keys`` of an index, in the divisions' order."""
        return [self.rows[i] for i in sorted({i for k in keys for i in index.get(k, [])})]

    def _province_holds(self, prefix: str, province: str) -> bool:
        """Whether a division with code prefix ``prefix`` lies in the province named."""
        key = (prefix, province)
        if key not in self._province_has:
            self._province_has[key] = any(
                r["adcode"][:2] == prefix and self._province_ok(r, province) for r in self.rows
            )
        return self._province_has[key]

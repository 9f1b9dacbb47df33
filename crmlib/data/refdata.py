"""Reference data: units (UKPD), channels (kanal), statuses, categories and aliases.

Everything here is read from the editable files in ``crmlib/data/reference/`` (or a
folder given by the caller), so a new alias, category or city is a data change.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from crmlib.data.contract import STATUSES
from crmlib.data.yamlio import load_yaml
from crmlib.errors import ReferenceDataError

if TYPE_CHECKING:
    import pandas as pd

REFERENCE_DIR = Path(__file__).parent / "reference"
DEFAULT_KOTA = "jakarta-timur"


def normalize_header(text: object) -> str:
    """Header key used for matching: lower case, no dots/underscores, single spaces."""
    s = str(text).strip().lower().replace("_", " ").replace(".", " ")
    return re.sub(r"\s+", " ", s).strip()


def normalize_name(text: object) -> str:
    """Name key used for matching units, channels and statuses: upper case, single spaces."""
    return re.sub(r"\s+", " ", str(text).strip().upper())


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        lines = [
            ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
        ]
    except OSError as exc:
        raise ReferenceDataError(
            f"Berkas data referensi tidak dapat dibaca: {path} ({exc})"
        ) from exc
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceDataError(
            f"Berkas data referensi tidak dapat dibaca: {path} ({exc})"
        ) from exc
    return data or {}


@dataclass(frozen=True)
class Reference:
    """All reference data of one city.

    Attributes
    ----------
    kota : dict
        The city's identity from ``kota.yaml`` (``kota``, ``nama_resmi``, ``kantor_kota``).
    ukpd : pandas.DataFrame
        Units in official order: ``urutan, ukpd, tingkat, nama, kecamatan``.
    kanal : pandas.DataFrame
        Channels in official order: ``kanal, urutan, keterangan``.
    kategori : pandas.DataFrame
        ``kategori, max_waktu_tl_jam, dikonfirmasi`` (without the ``*`` row).
    default_max_waktu_tl_jam : float
        Maximum follow-up hours for a category not listed.
    """

    kota: dict
    ukpd: pd.DataFrame
    kanal: pd.DataFrame
    kategori: pd.DataFrame
    default_max_waktu_tl_jam: float
    status_labels: dict[str, str]
    header_alias: dict[str, dict[str, str]]
    pelapor_headers: frozenset[str]
    _ukpd_lookup: dict[str, str] = field(repr=False)
    _kanal_lookup: dict[str, str] = field(repr=False)
    _status_lookup: dict[str, str] = field(repr=False)
    _kategori_lookup: dict[str, str] = field(repr=False)
    # Category -> its hours, filled on first use (every read asks once per category).
    _kategori_max: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    # -- canonicalisation -------------------------------------------------
    def canonical_ukpd(self, raw: object) -> str | None:
        """Canonical unit name for ``raw`` or None when unknown."""
        return self._ukpd_lookup.get(normalize_name(raw))

    def canonical_kanal(self, raw: object) -> str | None:
        """Canonical channel code for ``raw`` or None when unknown."""
        return self._kanal_lookup.get(normalize_name(raw))

    def canonical_status(self, raw: object) -> str | None:
        """Canonical status for ``raw`` or None when unknown."""
        return self._status_lookup.get(normalize_name(raw))

    def canonical_kategori(self, raw: object) -> str:
        """Category name with known misspellings corrected (categories are an open set)."""
        text = re.sub(r"\s+", " ", str(raw).strip())
        return self._kategori_lookup.get(normalize_name(text), text)

    def max_waktu_tl_jam(self, kategori: str) -> float:
        """Default maximum follow-up hours of a category."""
        if not self._kategori_max:
            for k, hours in zip(
                self.kategori["kategori"], self.kategori["max_waktu_tl_jam"], strict=True
            ):
                self._kategori_max.setdefault(k, float(hours))  # the first row of a name counts
        return self._kategori_max.get(kategori, self.default_max_waktu_tl_jam)

    # -- suggestions ------------------------------------------------------
    @staticmethod
    def _closest(raw: object, choices: list[str], n: int = 3) -> list[str]:
        key = normalize_name(raw)
        upper = {normalize_name(c): c for c in choices}
        hits = difflib.get_close_matches(key, list(upper), n=n, cutoff=0.5)
        if not hits:
            # Unit names are long ("KELURAHAN ..."): compare the part after the prefix too.
            bare = key.split(" ", 1)[-1]
            hits = difflib.get_close_matches(bare, list(upper), n=n, cutoff=0.3)
            hits += [u for u in upper if bare and bare in u and u not in hits][: n - len(hits)]
        return [upper[h] for h in hits][:n]

    def suggest_ukpd(self, raw: object) -> list[str]:
        """The closest known unit names to ``raw``."""
        return self._closest(raw, list(self.ukpd["ukpd"]))

    def suggest_kanal(self, raw: object) -> list[str]:
        """The known channel codes whose name or alias is close to ``raw``.

        Channel names are short, so a loose match ("Instagram" → "Kantor
        Inspektorat") misleads more than it helps: only close spellings of a
        code, description or alias count, and an empty list means "none".
        """
        key = normalize_name(raw)
        hits = difflib.get_close_matches(key, list(self._kanal_lookup), n=6, cutoff=0.75)
        return list(dict.fromkeys(self._kanal_lookup[h] for h in hits))[:3]

    def kanal_list(self) -> str:
        """Every channel code in official order, for messages."""
        return ", ".join(self.kanal["kanal"])

    def suggest_status(self, raw: object) -> list[str]:
        """The closest known statuses to ``raw``."""
        return self._closest(raw, list(STATUSES))


def available_cities(reference_dir: Path | None = None) -> list[str]:
    """Codes of the cities that have reference data."""
    base = Path(reference_dir or REFERENCE_DIR) / "kota"
    return sorted(p.name for p in base.iterdir() if (p / "ukpd.csv").exists())


@cache
def _load(reference_dir: str, kota: str) -> Reference:
    """The reference data of ``kota`` under ``reference_dir``, read once per process."""
    base = Path(reference_dir)
    city_dir = _city_dir(base, kota)
    kota_info = _read_yaml(city_dir / "kota.yaml")
    ukpd = _load_ukpd(city_dir)
    ukpd_lookup = _ukpd_spellings(base, city_dir, ukpd, kota_info)
    kanal, kanal_lookup = _load_kanal(base)
    status_lookup, status_labels = _load_status(base)
    kategori, default_max, kategori_lookup = _load_kategori(base)
    header_alias, pelapor = _load_headers(base)
    return Reference(
        kota=kota_info,
        ukpd=ukpd,
        kanal=kanal,
        kategori=kategori,
        default_max_waktu_tl_jam=default_max,
        status_labels=status_labels,
        header_alias=header_alias,
        pelapor_headers=pelapor,
        _ukpd_lookup=ukpd_lookup,
        _kanal_lookup=kanal_lookup,
        _status_lookup=status_lookup,
        _kategori_lookup=kategori_lookup,
    )


def _city_dir(base: Path, kota: str) -> Path:
    """The city's folder; an unknown city refused with the known ones."""
    city_dir = base / "kota" / kota
    if not (city_dir / "ukpd.csv").exists():
        known = ", ".join(available_cities(base)) or "-"
        raise ReferenceDataError(
            f"Kota '{kota}' tidak dikenal: tidak ada {city_dir / 'ukpd.csv'}. Kota yang tersedia: {known}."
        )
    return city_dir


def _load_ukpd(city_dir: Path) -> pd.DataFrame:
    """The city's units in official order; a missing column or a doubled unit refused."""
    import pandas as pd

    ukpd_rows = _read_csv(city_dir / "ukpd.csv")
    ukpd = pd.DataFrame(ukpd_rows)
    missing = {"urutan", "ukpd", "tingkat", "nama", "kecamatan"} - set(ukpd.columns)
    if missing:
        raise ReferenceDataError(
            f"{city_dir / 'ukpd.csv'}: kolom hilang: {', '.join(sorted(missing))}"
        )
    ukpd["urutan"] = ukpd["urutan"].astype(int)
    ukpd = ukpd.sort_values("urutan", kind="stable").reset_index(drop=True)
    ukpd["kecamatan"] = ukpd["kecamatan"].fillna("")
    if ukpd["ukpd"].duplicated().any():
        dup = ukpd.loc[ukpd["ukpd"].duplicated(), "ukpd"].tolist()
        raise ReferenceDataError(f"{city_dir / 'ukpd.csv'}: UKPD ganda: {', '.join(dup)}")
    return ukpd


def _ukpd_spellings(
    base: Path, city_dir: Path, ukpd: pd.DataFrame, kota_info: dict
) -> dict[str, str]:
    """Every accepted spelling of a unit (name aliases, prefix variants, city aliases) -> unit."""
    prefixes = {
        normalize_name(k): normalize_name(v)
        for k, v in _read_yaml(base / "unit_prefix.yaml").items()
    }
    name_alias = {
        normalize_name(r["alias"]): normalize_name(r["nama"])
        for r in _read_csv(city_dir / "nama_alias.csv")
    }
    ukpd_lookup: dict[str, str] = {}
    for r in ukpd.itertuples():
        ukpd_lookup[normalize_name(r.ukpd)] = r.ukpd
    by_level = {(r.tingkat, normalize_name(r.nama)): r.ukpd for r in ukpd.itertuples()}
    level_prefix = {"KELURAHAN": "kelurahan", "KECAMATAN": "kecamatan"}
    # Every spelling variant under every prefix variant.
    for alias, nama in name_alias.items():
        for prefix, level in level_prefix.items():
            target = by_level.get((level, nama))
            if target:
                ukpd_lookup.setdefault(f"{prefix} {alias}", target)
    for short, full in prefixes.items():
        for key, target in list(ukpd_lookup.items()):
            if key.startswith(full + " "):
                ukpd_lookup.setdefault(short + " " + key[len(full) + 1 :], target)
    for alias, target in (kota_info.get("ukpd_alias") or {}).items():
        if target not in set(ukpd["ukpd"]):
            raise ReferenceDataError(
                f"{city_dir / 'kota.yaml'}: ukpd_alias menunjuk UKPD tak dikenal '{target}'"
            )
        ukpd_lookup[normalize_name(alias)] = target
    return ukpd_lookup


def _load_kanal(base: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Channels in official order, and every code, description and alias -> code."""
    import pandas as pd

    kanal_rows = _read_csv(base / "kanal.csv")
    kanal = pd.DataFrame(kanal_rows)[["kanal", "urutan", "keterangan"]]
    kanal["urutan"] = kanal["urutan"].astype(int)
    kanal = kanal.sort_values("urutan", kind="stable").reset_index(drop=True)
    kanal_lookup: dict[str, str] = {}
    for r in kanal_rows:
        kanal_lookup[normalize_name(r["kanal"])] = r["kanal"]
        kanal_lookup[normalize_name(r["keterangan"])] = r["kanal"]
        for a in (r.get("alias") or "").split("|"):
            if a.strip():
                kanal_lookup.setdefault(normalize_name(a), r["kanal"])
    return kanal, kanal_lookup


def _load_status(base: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Status and alias -> status, and status -> label; exactly the contract's statuses."""
    status_rows = _read_csv(base / "status.csv")
    status_lookup: dict[str, str] = {}
    status_labels: dict[str, str] = {}
    for r in status_rows:
        status_lookup[normalize_name(r["status"])] = r["status"]
        status_labels[r["status"]] = r["label"]
        for a in (r.get("alias") or "").split("|"):
            if a.strip():
                status_lookup.setdefault(normalize_name(a), r["status"])
    if set(status_labels) != set(STATUSES):
        raise ReferenceDataError(
            f"{base / 'status.csv'}: harus memuat tepat status {', '.join(STATUSES)}"
        )
    return status_lookup, status_labels


def _load_kategori(base: Path) -> tuple[pd.DataFrame, float, dict[str, str]]:
    """Categories with their hours, the ``*`` default hours, and misspelling -> category."""
    import pandas as pd

    kat_rows = _read_csv(base / "kategori.csv")
    kategori = pd.DataFrame(kat_rows)
    kategori["max_waktu_tl_jam"] = kategori["max_waktu_tl_jam"].astype(float)
    star = kategori["kategori"] == "*"
    default_max = float(kategori.loc[star, "max_waktu_tl_jam"].iloc[0]) if star.any() else 168.0
    kategori = kategori.loc[~star].reset_index(drop=True)
    kategori_lookup = {
        normalize_name(r["alias"]): r["kategori"] for r in _read_csv(base / "kategori_alias.csv")
    }
    for k in kategori["kategori"]:
        kategori_lookup.setdefault(normalize_name(k), k)
    return kategori, default_max, kategori_lookup


def _load_headers(base: Path) -> tuple[dict[str, dict[str, str]], frozenset[str]]:
    """Per sheet, header key -> contract column; and the reporter headers to drop."""
    headers = _read_yaml(base / "header_alias.yaml")
    header_alias: dict[str, dict[str, str]] = {}
    for sheet in ("laporan", "koordinasi"):
        mapping: dict[str, str] = {}
        for canonical, aliases in (headers.get(sheet) or {}).items():
            mapping[normalize_header(canonical)] = canonical
            for a in aliases or []:
                mapping.setdefault(normalize_header(a), canonical)
        header_alias[sheet] = mapping
    pelapor = frozenset(normalize_header(h) for h in headers.get("pelapor") or [])
    return header_alias, pelapor


def city_identity(kota: str = DEFAULT_KOTA, reference_dir: Path | str | None = None) -> dict:
    """The city's identity (``kota.yaml``: ``kota``, ``nama_resmi``, ``kantor_kota``) alone.

    What the archive needs, without building the reference tables (and importing pandas).
    """
    city_dir = _city_dir(Path(reference_dir or REFERENCE_DIR).resolve(), kota)
    return _read_yaml(city_dir / "kota.yaml")


def status_labels(reference_dir: Path | str | None = None) -> dict[str, str]:
    """Status -> label (``status.csv``) alone, without building the reference tables.

    What the archive's status legend needs, without importing pandas.
    """
    return _load_status(Path(reference_dir or REFERENCE_DIR).resolve())[1]


def load_reference(kota: str = DEFAULT_KOTA, reference_dir: Path | str | None = None) -> Reference:
    """Load (and cache) the reference data of a city.

    Parameters
    ----------
    kota : str
        City code, the folder name under ``reference/kota/``.
    reference_dir : path, optional
        Another reference folder with the same layout as ``crmlib/data/reference``.
    """
    return _load(str(Path(reference_dir or REFERENCE_DIR).resolve()), kota)

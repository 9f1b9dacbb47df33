"""The settings of the metric rules (:class:`MetricParams`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crmlib.errors import MetricsInputError


@dataclass(frozen=True)
class MetricParams:
    """Settings of the metric rules (contract defaults).

    The names match the ``metrik`` block of the report parameters, so
    ``MetricParams(**params["metrik"])`` works.

    Attributes
    ----------
    batas_respon_jam : float
        Response-time limit in hours; a response at exactly the limit is on time.
    top_n : int
        N of the top-unit and top-category lists.
    peringkat_n : int
        N of the fastest/slowest coordination and completion lists.
    ambang_ditolak : int
        A report is listed as rejected when its follow-up was rejected at least this often.
    langkah_jam : float
        Length in hours of one penalty step beyond the maximum follow-up time.
    penalti_per_langkah : float
        Points deducted from 100 per started step.
    """

    batas_respon_jam: float = 6.0
    top_n: int = 5
    peringkat_n: int = 10
    ambang_ditolak: int = 2
    langkah_jam: float = 12.0
    penalti_per_langkah: float = 10.0

    def __post_init__(self) -> None:
        if not self.batas_respon_jam >= 0:
            raise MetricsInputError(f"batas_respon_jam harus >= 0, bukan {self.batas_respon_jam!r}")
        if not self.langkah_jam > 0:
            raise MetricsInputError(f"langkah_jam harus > 0, bukan {self.langkah_jam!r}")
        if not self.penalti_per_langkah >= 0:
            raise MetricsInputError(
                f"penalti_per_langkah harus >= 0, bukan {self.penalti_per_langkah!r}"
            )
        for name in ("top_n", "peringkat_n", "ambang_ditolak"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise MetricsInputError(f"{name} harus bilangan bulat >= 0, bukan {value!r}")

"""What every chart of the report shares: the style, the figure, empty panels, axes, PNG output.

The look lives in ``reference/chart_style.mplstyle`` (reference data is data) and is
applied with a reset (``after_reset=True``) so a user's ``matplotlibrc`` cannot change
the report. Figures are built with the object-oriented API (``Figure`` + Agg canvas),
never through ``pyplot``, and matplotlib is imported only when a chart is drawn.
The charts themselves are in :mod:`crmlib.report.charts`.

Figures display themselves in Jupyter (``_repr_png_``) at :data:`DPI`; use
:func:`save_figure` or :func:`to_png` to write them.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from crmlib.data.refdata import REFERENCE_DIR
from crmlib.report import fmt

__all__ = [
    "DPI",
    "LEBAR_IN",
    "LEBAR_PONSEL_IN",
    "SKALA_HURUF_PONSEL",
    "STYLE_PATH",
    "TEKS_KOSONG",
    "UKURAN",
    "ponsel",
    "save_figure",
    "to_png",
    "untuk_ponsel",
]

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps matplotlib out of import time
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


STYLE_PATH = REFERENCE_DIR / "chart_style.mplstyle"

#: Width of an A4 text column (21 cm - 2 x 2.5 cm margins ~ 6.3 in).
LEBAR_IN = 6.3
#: Default figure size in inches.
UKURAN = (LEBAR_IN, 3.2)
#: Resolution of saved/displayed PNGs.
DPI = 150
#: Note drawn when there is nothing to plot.
TEKS_KOSONG = "Tidak ada data"
#: The count axis's label.
LABEL_JUMLAH = "Jumlah laporan"

#: Width of the phone drawing of a chart (the HTML shows it below the tables' phone
#: breakpoint). A phone shows a chart about 364 CSS px wide at 390 px; there the wide
#: drawing's 6.5-8 pt labels would be 5-6.4 px. At this width and
#: :data:`SKALA_HURUF_PONSEL` the smallest label (6.5 pt) is 8.45 pt of 3.4 in: 12.6 px.
LEBAR_PONSEL_IN = 3.4
#: Every font of the phone drawing is this much larger than the printed one.
SKALA_HURUF_PONSEL = 1.3
# The rcParams of the style that are font sizes (scaled in the phone drawing).
_UKURAN_HURUF = (
    "font.size",
    "axes.labelsize",
    "axes.titlesize",
    "xtick.labelsize",
    "ytick.labelsize",
    "legend.fontsize",
)
_PONSEL: contextvars.ContextVar[bool] = contextvars.ContextVar("grafik_ponsel", default=False)

# Positions in the style file's colour cycle: a blue-grey lightness ramp, one accent, grey.
_PRIMER, _AKSEN, _SEDANG, _TERANG, _PUCAT, _ABU = range(6)


# ---------------------------------------------------------------------------
# figures and axes
# ---------------------------------------------------------------------------
@cache
def _figure_class() -> type:
    """Figure subclass that renders itself as PNG in Jupyter (created lazily)."""
    from matplotlib.figure import Figure

    class LaporanFigure(Figure):
        """A report chart: a Figure with a PNG representation for notebooks."""

        #: Drawn for a phone (:func:`untuk_ponsel`): printed with the phone's type sizes.
        ponsel = False

        def _repr_png_(self) -> bytes:
            return to_png(self)

    return LaporanFigure


@contextlib.contextmanager
def untuk_ponsel() -> Iterator[None]:
    """Draw the charts made inside for a phone: :data:`LEBAR_PONSEL_IN` wide, larger type."""
    token = _PONSEL.set(True)
    try:
        yield
    finally:
        _PONSEL.reset(token)


def ponsel() -> bool:
    """Is the chart being drawn the phone drawing (:func:`untuk_ponsel`)?"""
    return _PONSEL.get()


def _pt(size: float) -> float:
    """A font size of the printed chart, as the current drawing sets it."""
    return size * SKALA_HURUF_PONSEL if ponsel() else size


@contextlib.contextmanager
def _gaya() -> Iterator[None]:
    """Apply the report style on top of matplotlib's defaults, then restore."""
    import matplotlib as mpl
    import matplotlib.style

    with matplotlib.style.context(str(STYLE_PATH), after_reset=True):
        if ponsel():
            mpl.rcParams.update({k: _pt(float(mpl.rcParams[k])) for k in _UKURAN_HURUF})
        yield


def _is_empty(df) -> bool:
    return df is None or len(df) == 0


def _batas(batas_jam: float | None) -> float:
    """The response limit a chart names: the metrics' default when none is given."""
    from crmlib.metrics import MetricParams

    return MetricParams().batas_respon_jam if batas_jam is None else batas_jam


def _warna(i: int) -> str:
    import matplotlib as mpl

    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    return colors[i % len(colors)]


def _new_figure(height: float) -> Figure:
    """An empty report figure on its Agg canvas, as wide as the current drawing wants."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    phone = ponsel()
    fig = _figure_class()(
        figsize=(LEBAR_PONSEL_IN if phone else LEBAR_IN, height), layout="constrained"
    )
    fig.ponsel = phone
    FigureCanvasAgg(fig)
    return fig


def _figure(height: float = UKURAN[1]) -> tuple[Figure, Axes]:
    fig = _new_figure(height)
    return fig, fig.add_subplot()


def _finish(fig: Figure) -> Figure:
    # Ticks and their labels are created lazily (when the figure is laid out or drawn) and
    # read rcParams then; laying the figure out here, inside the style context, fixes them
    # in the report style. The layout is what a draw would compute first; the draw itself
    # is left to the one that renders (to_png), which keeps this layout.
    try:
        fig.get_layout_engine().execute(fig)  # every chart has one: layout="constrained"
    except ValueError:  # as Figure.draw: a figure too small to lay out keeps its positions
        pass
    fig.stale = False  # laid out as it is now: any later change marks it stale again
    return fig


def _kosong(fig: Figure, ax: Axes, catatan: str | None = None) -> Figure:
    """Turn ``ax`` into a centred "Tidak ada data" panel."""
    ax.clear()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        TEKS_KOSONG,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=_pt(11),
        color=_warna(_ABU),
    )
    if catatan:
        ax.text(
            0.5,
            0.38,
            catatan,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=_pt(7.5),
            color=_warna(_ABU),
        )
    return _finish(fig)


def _formatter_angka(decimals: int | None = None):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: fmt.format_angka(v, decimals))


def _formatter_persen():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: fmt.format_persen(v, 0))


def _count_axis(axis) -> None:
    """Integer ticks written the Indonesian way (1.000, not 1,000 or 1000.0)."""
    from matplotlib.ticker import MaxNLocator

    # steps 1-2-5 give round ticks (0, 20, 40 rather than 0, 15, 30 or 0, 3, 6)
    axis.set_major_locator(
        MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True, min_n_ticks=3)
    )
    axis.set_major_formatter(_formatter_angka())


def _figure_dua_panel(height: float) -> tuple[Figure, Axes, Axes]:
    """A figure with a lower panel (``fig.axes[0]``) and an upper one sharing its x axis."""
    fig = _new_figure(height)
    grid = fig.add_gridspec(2, 1, height_ratios=[1, 1])
    bawah = fig.add_subplot(grid[1])
    atas = fig.add_subplot(grid[0], sharex=bawah)
    return fig, bawah, atas


def _fixed_locator(values: list[float]):
    from matplotlib.ticker import FixedLocator

    return FixedLocator(values)


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------
def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes of ``fig`` at ``dpi`` (for embedding or notebook display).

    A palette PNG (:func:`_png_palet`): a report page carries two drawings of each chart
    (the page's and the phone's), which a phone downloads with the page.
    """
    from PIL import Image

    drawing = untuk_ponsel() if getattr(fig, "ponsel", False) else contextlib.nullcontext()
    with drawing, _gaya():
        if _laid_out_for(fig, dpi):
            image = _draw_as_laid_out(fig)
        else:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
            image = Image.open(buf)
            image.load()
    return _png_palet(image, dpi)


def _png_palet(image, dpi: float) -> bytes:
    """``image`` on white as an 8-bit palette PNG at ``dpi`` (Typst sizes it by the dpi).

    A chart is a few flat colours and the anti-aliased edges of its text and bars: 256
    colours (octree, no dithering: the same bytes every run) show it as the 24-bit
    image does, at about a third of the bytes (the sample month's twelve drawings:
    420 KB as RGBA, 125 KB so), for about 5 ms a drawing.
    """
    from PIL import Image

    rgb = image.convert("RGB")
    palet = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palet.save(out, format="PNG", dpi=(dpi, dpi), compress_level=6)
    return out.getvalue()


def _laid_out_for(fig: Figure, dpi: float) -> bool:
    """Was ``fig`` laid out at ``dpi`` on white, on its Agg canvas, and not changed since?

    Every chart of this module is: :func:`_finish` lays it out. A figure changed after
    that is stale (matplotlib marks every change up to the figure), and is then saved
    the ordinary way (``savefig`` lays it out again).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return (
        not fig.stale
        and fig.dpi == dpi
        and type(fig.canvas) is FigureCanvasAgg
        and tuple(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    )


def _draw_as_laid_out(fig: Figure):
    """Render ``fig``'s current layout (a PIL image), without laying it out again.

    ``savefig`` on a constrained-layout figure runs the layout and a full draw
    before the draw that renders: about 45 ms of a chart's ~230 ms, for a layout
    that :func:`_finish` has just computed at the same resolution.
    """
    from PIL import Image

    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")  # keeps the positions the last layout gave
    try:
        rgba, size = fig.canvas.print_to_buffer()
    finally:
        fig.set_layout_engine(engine)
    return Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)


def save_figure(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write ``fig`` as PNG to ``path`` (parent folders created) and release it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart of this module (or any figure).
    path : str or pathlib.Path
        Target file; the PNG format is used whatever the suffix.
    dpi : int, default 150
        Resolution.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_png(fig, dpi))
    # Our figures are not registered with pyplot; a pyplot figure passed in is closed
    # so a long notebook session does not accumulate them.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    return target

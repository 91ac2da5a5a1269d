"""A small bar/line chart drawn with QPainter (PySide6-Essentials ships no QtCharts)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = (
    QColor("#1f6fb2"),
    QColor("#e07b00"),
    QColor("#2e9d4c"),
    QColor("#c23b3b"),
    QColor("#7a4fb5"),
    QColor("#6d6d6d"),
)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def axis_steps(peak: int) -> int:
    """How many grid steps split `peak` into whole numbers (peak from nice_ceiling)."""
    leading = int(str(peak)[0])
    steps = 4 if leading == 2 else 5
    return steps if peak % steps == 0 else peak


def nice_ceiling(value: float) -> int:
    """A round axis maximum at or above `value`: 1, 2, 5 × 10^n."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


class TrendChart(QWidget):
    """Grouped bars or lines over labelled buckets, with a legend when there are several series."""

    def __init__(self, title: str, kind: str = "bar", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._kind = kind
        self._labels: list[str] = []
        self._series: list[Series] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    @property
    def series(self) -> list[Series]:
        return list(self._series)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def set_data(self, labels: list[str], series: list[Series]) -> None:
        self._labels = labels
        self._series = [s for s in series if len(s.values) == len(labels)]
        self.setToolTip("\n".join(f"{s.name}: {sum(s.values):,}".replace(",", ".") for s in self._series))
        self.update()

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        painter.setPen(palette.text().color())
        painter.drawText(QRectF(8, 4, self.width() - 16, line), Qt.AlignmentFlag.AlignLeft, self._title)
        top: float = 8 + line
        if len(self._series) > 1:
            top = self._legend(painter, metrics, top)
        peak = nice_ceiling(max((max(s.values, default=0) for s in self._series), default=0))
        axis_width = metrics.horizontalAdvance(f"{peak:,}".replace(",", ".")) + 10
        plot = QRectF(
            axis_width + 4, top + 6, self.width() - axis_width - 16, self.height() - top - line - 16
        )
        if plot.width() < 20 or plot.height() < 20 or not self._labels:
            painter.end()
            return
        self._axes(painter, metrics, plot, peak)
        if self._kind == "line":
            self._lines(painter, plot, peak)
        else:
            self._bars(painter, plot, peak)
        self._x_labels(painter, metrics, plot)
        painter.end()

    def _legend(self, painter: QPainter, metrics: QFontMetrics, top: float) -> float:
        x = 8.0
        for index, series in enumerate(self._series):
            width = metrics.horizontalAdvance(series.name) + 22
            if x + width > self.width() - 8 and x > 8:
                x = 8.0
                top += metrics.height() + 2
            painter.fillRect(QRectF(x, top + 3, 12, metrics.height() - 6), PALETTE[index % len(PALETTE)])
            painter.drawText(QPointF(x + 16, top + metrics.ascent()), series.name)
            x += width
        return top + metrics.height() + 2

    def _axes(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF, peak: int) -> None:
        grid = QPen(self.palette().mid().color(), 1, Qt.PenStyle.DotLine)
        text = self.palette().text().color()
        steps = axis_steps(peak)
        for step in range(steps + 1):
            value = peak * step / steps
            y = plot.bottom() - plot.height() * step / steps
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            shown = f"{round(value):,}".replace(",", ".")
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )

    def _bars(self, painter: QPainter, plot: QRectF, peak: int) -> None:
        slot = plot.width() / len(self._labels)
        width = max(1.0, slot * 0.8 / len(self._series))
        painter.setPen(Qt.PenStyle.NoPen)
        for index, series in enumerate(self._series):
            colour = PALETTE[index % len(PALETTE)]
            for bucket, value in enumerate(series.values):
                height = plot.height() * value / peak
                x = plot.left() + bucket * slot + slot * 0.1 + index * width
                painter.fillRect(QRectF(x, plot.bottom() - height, width, height), colour)

    def _lines(self, painter: QPainter, plot: QRectF, peak: int) -> None:
        slot = plot.width() / len(self._labels)
        for index, series in enumerate(self._series):
            colour = PALETTE[index % len(PALETTE)]
            points = [
                QPointF(plot.left() + slot * (bucket + 0.5), plot.bottom() - plot.height() * value / peak)
                for bucket, value in enumerate(series.values)
            ]
            painter.setPen(QPen(colour, 2))
            painter.drawPolyline(QPolygonF(points))
            painter.setBrush(colour)
            for point in points:
                painter.drawEllipse(point, 2.5, 2.5)

    def _x_labels(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF) -> None:
        painter.setPen(self.palette().text().color())
        slot = plot.width() / len(self._labels)
        widest = max(metrics.horizontalAdvance(label) for label in self._labels) + 6
        every = max(1, int(widest // slot) + 1)
        for bucket, label in enumerate(self._labels):
            if (len(self._labels) - 1 - bucket) % every:
                continue  # counted from the right: the latest bucket always has its label
            rect = QRectF(plot.left() + bucket * slot + slot / 2 - widest / 2, plot.bottom() + 2, widest, 16)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

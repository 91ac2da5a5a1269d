"""Draws the desk's icon (installer/icons/tongdai1022.png and .ico): a blue rounded square with "1022".

Run once with the desk's venv (`python installer/make_icon.py`); the files are committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

HERE = Path(__file__).resolve().parent / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#0b5cad"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    painter.setPen(QColor("white"))
    font = QFont("DejaVu Sans", 1)
    font.setBold(True)
    font.setPixelSize(int(size * 0.36))
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "1022")
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    HERE.mkdir(exist_ok=True)
    if not draw(256).save(str(HERE / "tongdai1022.png")):
        return 1
    return 0 if draw(256).save(str(HERE / "tongdai1022.ico"), "ICO") else 1


if __name__ == "__main__":
    sys.exit(main())

"""Tổng đài 1022 Desk: the operator desktop of Vietnam's provincial public-service hotlines."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tongdai1022")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

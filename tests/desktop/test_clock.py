"""What a user sees of a moment is Vietnam wall-clock time, whatever offset the moment carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop.domain.clock import shown_vn


def test_a_moment_in_utc_is_shown_in_vietnam_time() -> None:
    assert shown_vn(datetime(2026, 3, 8, 10, 25, tzinfo=UTC)) == "08/03/2026 17:25"


def test_a_moment_from_a_pacific_server_is_shown_in_vietnam_time() -> None:
    pacific = timezone(timedelta(hours=-8))
    assert shown_vn(datetime(2026, 3, 7, 18, 25, tzinfo=pacific), "%H:%M %d/%m") == "09:25 08/03"


def test_a_moment_without_a_zone_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError):
        shown_vn(datetime(2026, 3, 8, 17, 25))

"""RTP ports are taken only when free (pyVoIP 1.6.8 picks them blindly: defect 11)."""

from __future__ import annotations

import socket

import pytest
from telephony_lab import free_port_block

from desktop.telephony.media import NoFreeRtpPort, RtpEndpoint


def test_an_occupied_rtp_port_is_skipped():
    low = free_port_block(4)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", low))

        endpoint = RtpEndpoint("127.0.0.1", low, low + 3)

    try:
        assert endpoint.port == low + 2  # the only free even port of the range
    finally:
        endpoint.close()


def test_a_full_range_is_reported_not_reused():
    low = free_port_block(2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", low))

        with pytest.raises(NoFreeRtpPort):
            RtpEndpoint("127.0.0.1", low, low + 1)


def test_an_rtp_port_whose_rtcp_port_is_taken_is_skipped():
    low = free_port_block(4)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", low + 1))  # the RTCP port of the first pair (RFC 3550 §11)

        endpoint = RtpEndpoint("127.0.0.1", low, low + 3)

    try:
        assert (endpoint.port, endpoint.rtcp_socket.getsockname()[1]) == (low + 2, low + 3)
    finally:
        endpoint.close()

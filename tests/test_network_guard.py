"""The test suite never reaches the network: only loopback connections are allowed
(pytest-socket, configured in pyproject's addopts)."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")  # the guard's own notice
def test_a_connection_off_this_machine_is_refused() -> None:
    # 203.0.113.0/24 is TEST-NET-3: never routed, so only the guard can answer this fast.
    with pytest.raises(SocketConnectBlockedError), socket.socket() as sock:
        sock.settimeout(2)
        sock.connect(("203.0.113.7", 443))


def test_loopback_connections_still_work() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            accepted, _ = server.accept()
            client.sendall(b"ping")
            assert accepted.recv(4) == b"ping"
            accepted.close()

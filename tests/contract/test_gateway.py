"""The gateway as clients meet it: each service's documents, and its own errors in the services' format."""

import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from stacklib.application import AppPorts

from tests.contract.conftest import Processes, RunningStack, free_port, start_gateway
from tests.support import auth


def assert_gateway_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert len(response.headers["x-request-id"]) == 32


def receive(connection: socket.socket) -> bytes:
    if not (chunk := connection.recv(65536)):
        raise ConnectionError("the gateway closed the connection mid-answer")
    return chunk


def raw_exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes no HTTP client would send; the status, headers and body of the answer.

    Read up to the answer's Content-Length rather than to the end of stream: after refusing a body
    it has not read, nginx may linger for it (`lingering_timeout`, 5 s) before closing.
    """
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += receive(connection)
        head, _, body = answer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)
        }
        while len(body) < int(headers["content-length"]):
            body += receive(connection)
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("prefix", ["/api/pim", "/api/product-segments"])
def test_each_services_document_and_docs_are_served_under_its_prefix(
    running_stack: RunningStack, prefix: str
) -> None:
    document = httpx.get(f"{running_stack.gateway}{prefix}/openapi.json")
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.1")
    assert all(path.startswith(f"{prefix}/") for path in document.json()["paths"])
    for page in ("docs", "redoc"):
        html = httpx.get(f"{running_stack.gateway}{prefix}/{page}")
        assert html.status_code == 200
        assert f"{prefix}/openapi.json" in html.text


def test_an_unknown_path_is_a_problem(running_stack: RunningStack) -> None:
    for path in ("/nope", "/api", "/api/pim", "/api/other/"):
        assert_gateway_problem(httpx.get(f"{running_stack.gateway}{path}"), 404)


def test_trace_reaches_the_service_so_that_allow_names_the_paths_methods(running_stack: RunningStack) -> None:
    """nginx refuses TRACE by itself (405 without Allow); the gateway asks the service instead."""
    products = httpx.request("TRACE", f"{running_stack.gateway}/api/pim/products/")
    assert products.status_code == 405
    assert products.headers["allow"] == "GET, POST"
    assert products.json() == {"detail": "Method Not Allowed"}
    assert_gateway_problem(httpx.request("TRACE", f"{running_stack.gateway}/nope"), 404)


def test_other_methods_get_a_complete_allow(running_stack: RunningStack, stack_key: str) -> None:
    gateway = running_stack.gateway
    for method, path, allowed in [
        ("OPTIONS", "/api/pim/products/", "GET, POST"),
        ("PUT", "/api/pim/products/", "GET, POST"),
        ("GET", "/api/pim/products/bulk/", "POST"),
        ("POST", "/api/pim/products/1/", "DELETE, GET, PATCH"),
        ("DELETE", "/api/pim/schema/", "GET, PUT"),
    ]:
        response = httpx.request(method, f"{gateway}{path}", headers=auth(stack_key))
        assert (response.status_code, response.headers["allow"]) == (405, allowed), (method, path)
        assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"BAD REQUEST LINE\r\n\r\n", 400),
        (b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),  # HTTP/1.1 without Host
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", 400),
        (b"GET /" + b"a" * 9_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"POST /api/pim/products/ HTTP/1.1\r\nHost: x\r\nContent-Length: 40000000\r\n\r\n", 413),
    ],
)
def test_malformed_requests_are_problems(
    running_stack: RunningStack, request_bytes: bytes, status: int
) -> None:
    answer_status, headers, body = raw_exchange(running_stack.gateway, request_bytes)
    assert answer_status == status
    assert headers["content-type"] == "application/json"
    assert set(json.loads(body)) == {"detail"}
    assert len(headers["x-request-id"]) == 32


@pytest.fixture(scope="module")
def idle_upstream() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture(scope="module")
def broken_gateway(idle_upstream: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gateway whose pim-api refuses connections and whose segment-api never answers (1 s timeout)."""
    processes = Processes(tmp_path_factory.mktemp("broken-gateway-logs"))
    ports = AppPorts(gateway=free_port(), pim_api=free_port(), segment_api=idle_upstream)
    try:
        gateway = start_gateway(processes, ports, upstream_timeout=1)
        processes.wait_until_answering([f"{gateway}/healthz"])
        yield gateway
    finally:
        processes.stop()


def test_a_service_down_is_a_502_problem(broken_gateway: str) -> None:
    assert_gateway_problem(httpx.get(f"{broken_gateway}/api/pim/products/"), 502)


def test_a_service_that_does_not_answer_is_a_504_problem(broken_gateway: str) -> None:
    assert_gateway_problem(httpx.get(f"{broken_gateway}/api/product-segments/healthz", timeout=10), 504)


def test_a_body_the_gateway_spools_to_disk_reaches_the_service(
    running_stack: RunningStack, stack_key: str
) -> None:
    """nginx writes bodies over 16 KB to its temp directory first; its workers must be able to."""
    products = [{"sku": f"S-{index}", "name": "spooled"} for index in range(10_001)]
    response = httpx.post(
        f"{running_stack.gateway}/api/pim/products/bulk/",
        json={"products": products},
        headers=auth(stack_key),
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "10001 products in one request; at most 10000"

"""The deployment example (deploy/nginx.conf): nginx accepts it, and behind it one client
reaches one server (sticky sessions) among several.

Uses Debian's nginx; skipped with the reason where it is not installed.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port

CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx)"
)


def configured(folder: Path, ports: dict[int, int]) -> Path:
    """deploy/nginx.conf with its ports replaced (`ports`: the file's port -> a free one)."""
    text = CONF.read_text(encoding="utf-8")
    for old, new in ports.items():
        text = text.replace(f":{old} ", f":{new} ").replace(f"listen {old};", f"listen {new};")
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    assert NGINX is not None
    conf = configured(tmp_path, {})
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "ip_hash" in CONF.read_text(encoding="utf-8")  # the sticky sessions


def answering(name: str, port: int) -> http.server.ThreadingHTTPServer:
    class Named(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Named)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, list[http.server.ThreadingHTTPServer]]]:
    """nginx with deploy/nginx.conf in front of two stand-in servers; its port."""
    assert NGINX is not None
    ports = {8080: free_port(), 8501: free_port(), 8502: free_port()}
    servers = [answering("a", ports[8501]), answering("b", ports[8502])]
    conf = configured(tmp_path, ports)
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{ports[8080]}/", timeout=1).read()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "nginx did not answer"
                time.sleep(0.05)
        yield ports[8080], servers
    finally:
        process.terminate()
        process.wait(timeout=10)
        for server in servers:
            server.shutdown()
            server.server_close()


def test_one_client_stays_on_one_server_and_moves_when_it_stops(
    proxy: tuple[int, list[http.server.ThreadingHTTPServer]],
) -> None:
    port, servers = proxy
    url = f"http://127.0.0.1:{port}/"
    seen = {urllib.request.urlopen(url, timeout=5).read().decode() for _ in range(10)}
    assert len(seen) == 1  # sticky
    gone = servers[0 if seen == {"a"} else 1]
    gone.shutdown()
    gone.server_close()
    after = {urllib.request.urlopen(url, timeout=5).read().decode() for _ in range(3)}
    assert after == {"a", "b"} - seen  # the other server takes the client over

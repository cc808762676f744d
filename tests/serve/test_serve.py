"""`nntui serve`: the page, one app per browser connection, Ctrl+C, and one-line errors (exit 2)."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import time
import urllib.request

import pytest
from click.testing import CliRunner
from serving import alive

from nntui.cli import cli
from nntui.serve import address_lines, app_command

aiohttp = pytest.importorskip("aiohttp", reason="nntui serve needs the serve extra: pip install -e '.[serve]'")


def fetch(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode(errors="replace")


def test_the_page_is_served_at_the_address_the_browser_used_and_ctrl_c_stops_the_server(served):
    status, page = fetch(served.url)
    assert status == 200
    assert "<title>nntui</title>" in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    # the font comes from the server itself, not from Google: a room without internet gets the same page
    assert "googleapis" not in page and "@font-face" in page
    font = f"{served.url}/static/fonts/RobotoMono-VariableFont_wght.ttf"
    assert f'href="{font}"' in page and fetch(font)[0] == 200
    # behind --host 0.0.0.0 a browser reaches the server by a name or address of its own: the page uses that
    _, page = fetch(served.url, Host=f"classroom.example:{served.port}")
    assert f'data-session-websocket-url="ws://classroom.example:{served.port}/ws"' in page
    assert f'href="http://classroom.example:{served.port}/static/css/xterm.css"' in page
    # behind an HTTPS reverse proxy: its address, and wss
    _, page = fetch(served.url, **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "nntui.school.example"})
    assert 'data-session-websocket-url="wss://nntui.school.example/ws"' in page
    code, out, err = served.ctrl_c()
    assert code == 0, err
    assert out.splitlines()[-1] == "nntui serve: stopped" and not err


async def open_session(url: str, until: bytes):
    """A browser's websocket: reads the app's output until ``until`` appears; returns the client and socket."""
    client = aiohttp.ClientSession()
    ws = await client.ws_connect(url.replace("http", "ws") + "/ws?width=120&height=40")
    seen, deadline = b"", time.monotonic() + 30
    while until not in seen:
        message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        assert message.type == aiohttp.WSMsgType.BINARY, message
        seen += message.data
    return client, ws


def test_each_connection_runs_its_own_app_until_it_closes_or_ctrl_c(served):
    async def scenario():
        (client, ws), other = await asyncio.gather(open_session(served.url, b"Layers"),
                                                  open_session(served.url, b"Layers"))
        served.wait_for_apps(2)
        await ws.close()
        await client.close()
        served.wait_for_apps(1)  # the closed tab's app has quit; the other one runs on
        started = time.monotonic()
        code, out, _ = await asyncio.to_thread(served.ctrl_c)
        await other[0].close()
        return code, out, time.monotonic() - started

    code, out, seconds = asyncio.run(scenario())
    assert code == 0 and out.splitlines()[-1] == "nntui serve: stopped"
    assert len(served.apps) == 2 and not [pid for pid in served.apps if alive(pid)]
    assert seconds < 15


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and not result.stdout, result.output
    return lines[0]


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        line = one_line_error(invoke("serve", "--port", str(port)))
    assert line == f"nntui serve: cannot listen on 127.0.0.1:{port}: port {port} is already in use (another server? try --port)"


def test_a_host_that_is_not_this_machines_is_one_line_and_exit_2():
    line = one_line_error(invoke("serve", "--host", "192.0.2.1", "--port", "0"))  # TEST-NET-1: never local
    assert line == "nntui serve: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine"


def test_a_bad_preset_fails_before_serving():
    line = one_line_error(invoke("serve", "--preset", "nosuch"))
    assert line.startswith("nosuch: unknown preset")


def test_options_of_the_app_before_serve_are_refused():
    line = one_line_error(invoke("--preset", "mnist-cnn", "serve"))
    assert line == "nntui: --preset before 'serve': put options after it (nntui serve --help)"


def test_without_the_extra_it_says_how_to_install_it(monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "textual_serve" else find_spec(name, *a))
    line = one_line_error(invoke("serve"))
    assert line == 'nntui serve needs textual-serve, an optional extra: pip install "nntui[serve]"'


def test_help_shows_serve_and_its_defaults():
    main = invoke("--help")
    assert main.exit_code == 0 and "serve  Serve the app to web browsers" in main.output
    serve = invoke("serve", "--help")
    assert serve.exit_code == 0
    for text in ("--host TEXT", "127.0.0.1", "--port", "8000", "--preset NAME|PATH", "mnist"):
        assert text in serve.output


class FakeSocket:
    def __init__(self, host: str, port: int):
        self.address = (host, port)

    def getsockname(self):
        return self.address


def test_every_interface_prints_this_machines_name():
    first = address_lines(FakeSocket("0.0.0.0", 8000), "mnist")[0]
    assert first == (f"nntui serve: listening on every network interface, port 8000: open "
                     f"http://{socket.gethostname()}:8000 (here: http://127.0.0.1:8000) in a web browser")
    assert address_lines(FakeSocket("::1", 8001), "mnist")[0] == "nntui serve: open http://[::1]:8001 in a web browser"


def test_the_app_command_is_this_python_on_an_absolute_preset_path(tmp_path, monkeypatch):
    (tmp_path / "my net.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    command = app_command("my net.toml")
    assert command.startswith("exec ") and " -m nntui --preset " in command
    assert f"'{tmp_path / 'my net.toml'}'" in command
    assert app_command("mnist").endswith("--preset mnist")

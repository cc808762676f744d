"""``nntui serve``: the app in web browsers, one nntui process per browser tab (textual-serve).

textual-serve is an optional extra (``pip install "nntui[serve]"``): it brings a web server (aiohttp) and
templates (jinja2). Every browser that opens the page gets its own ``python -m nntui --preset ...`` started by
the server, with Textual's web driver, so it is the whole app: builder, training, everything.
"""

from __future__ import annotations

import errno
import importlib.util
import shlex
import socket
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
INSTALL_HINT = 'nntui serve needs textual-serve, an optional extra: pip install "nntui[serve]"'
ANY_HOST = ("0.0.0.0", "::", "")


class ServeError(Exception):
    """A one-line reason why the server cannot start (the CLI prints it and exits with code 2)."""


def app_command(preset_ref: str) -> str:
    """The shell command textual-serve runs for each browser: this Python's nntui, on the preset."""
    ref = str(Path(preset_ref).resolve()) if Path(preset_ref).is_file() else preset_ref
    return "exec " + shlex.join([sys.executable, "-m", "nntui", "--preset", ref])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a ServeError that says why not (in use, not this machine's, ...)."""
    where = f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, _, _, _, address = infos[0]
        return socket.create_server(address, family=family)
    except socket.gaierror:
        raise ServeError(f"nntui serve: cannot listen on {where}: no such host {host!r}") from None
    except OSError as exc:
        reason = {errno.EADDRINUSE: f"port {port} is already in use (another server? try --port)",
                  errno.EADDRNOTAVAIL: f"{host} is not an address of this machine",
                  errno.EACCES: f"no permission for port {port} (ports below 1024 need root)"}
        text = reason.get(exc.errno, (exc.strerror or str(exc)).lower())
        raise ServeError(f"nntui serve: cannot listen on {where}: {text}") from None


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def address_lines(sock: socket.socket, preset_ref: str) -> list[str]:
    """What ``nntui serve`` prints once it listens: the address to open, and how to stop."""
    host, port = sock.getsockname()[:2]
    lines = [f"nntui serve: open {url(host, port)} in a web browser"]
    if host in ANY_HOST:
        lines = [f"nntui serve: listening on every network interface, port {port}: open "
                 f"{url(socket.gethostname(), port)} (here: {url('127.0.0.1', port)}) in a web browser"]
    lines.append(f"Each browser tab runs its own nntui on this machine (preset {preset_ref}). "
                 "Press Ctrl+C to stop.")
    return lines


def serve(preset_ref: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the app until Ctrl+C (or SIGTERM); a ServeError when textual-serve is missing or host:port is not ours."""
    if importlib.util.find_spec("textual_serve") is None:
        raise ServeError(INSTALL_HINT)
    from .server import NntuiServer  # imported here: the extra may be missing, and only serving needs it

    sock = bind(host, port)
    for line in address_lines(sock, preset_ref):
        print(line, flush=True)
    NntuiServer(app_command(preset_ref), sock).run()
    print("nntui serve: stopped", flush=True)
    return 0


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeError", "serve"]

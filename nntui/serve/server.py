"""textual-serve's Server, fitted to nntui: a socket bound beforehand, quiet logs, no app outliving the server."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import signal
import socket

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

GRACE_SECONDS = 5.0  # how long an app may take to quit before it is killed
# textual-serve's page asks Google for its font; it ships the font itself: serve that (offline rooms, no third party)
GOOGLE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)
FONTS = (("RobotoMono-VariableFont_wght.ttf", "normal"), ("RobotoMono-Italic-VariableFont_wght.ttf", "italic"))
log = logging.getLogger("nntui.serve")


def public_url(request: web.Request) -> str:
    """The address the browser used for the page: ``scheme://host[:port]``."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else request.scheme
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip() or request.host
    return f"{scheme}://{host}"


def local_fonts(url: str) -> str:
    """The page's font, Roboto Mono, from textual-serve's own static files (loaded before the terminal opens)."""
    url = html.escape(url)
    preload = "".join(f'<link rel="preload" href="{url}{name}" as="font" type="font/ttf" crossorigin />'
                      for name, _ in FONTS)
    faces = "".join(f'@font-face {{ font-family: "Roboto Mono"; src: url("{url}{name}") format("truetype"); '
                    f"font-weight: 100 700; font-style: {style}; }}" for name, style in FONTS)
    return f"{preload}<style>{faces}</style>"


class AppProcess(AppService):
    """One browser's app process: textual-serve's AppService, which also waits for the process to end."""

    async def end(self, grace: float = GRACE_SECONDS) -> None:
        """Ask the app to quit ("quit", as textual-serve does), wait for its process, kill it after ``grace``."""
        process = self._process
        try:
            await asyncio.wait_for(self.stop(), grace)
            if process is not None:
                await asyncio.wait_for(process.wait(), grace)
        except asyncio.TimeoutError:
            if process is not None and process.returncode is None:
                log.warning("an app did not quit within %.0f s: killed", grace)
                process.kill()
                await process.wait()


class NntuiServer(Server):
    """Serves ``command``, one process per browser connection, on a socket that is already listening.

    The page's URLs follow the address the browser used (the Host header, or a reverse proxy's
    X-Forwarded-Host and X-Forwarded-Proto), so ``--host 0.0.0.0``, an SSH tunnel and an HTTPS proxy work;
    textual-serve alone would send every browser to ``ws://<--host>:<--port>``.
    """

    def __init__(self, command: str, sock: socket.socket, title: str = "nntui") -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(command, host=host, port=port, title=title)
        self.sock = sock
        self.apps: set[AppProcess] = set()
        self.stop_requested = asyncio.Event()

    def initialize_logging(self) -> None:
        """Warnings and errors only (an app that fails to start, say); no access log."""
        logging.basicConfig(level="WARNING", format="nntui serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: :func:`nntui.serve.serve` printed the address once the socket was bound."""

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        self.public_url = public_url(request)
        response = await super().handle_index(request)
        title = f"<head>\n    <title>{html.escape(self.title)}</title>"
        page = response.text.replace("<head>", title, 1)
        response.text = GOOGLE_FONT.sub(lambda _: local_fonts(f"{self.public_url}/static/fonts/"), page, count=1)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser connection: its own app for as long as the page stays open."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        app = AppProcess(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                         close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        self.apps.add(app)
        self.tell(f"a browser connected from {request.remote}")
        try:
            await app.start(to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, app)
        except asyncio.CancelledError:
            pass
        except Exception:  # a broken connection must not stop the server
            log.exception("a browser's session failed")
        finally:
            await app.end()
            self.apps.discard(app)
            await websocket.close()
            self.tell(f"a browser left ({request.remote})")
        return websocket

    def tell(self, text: str) -> None:
        print(f"nntui serve: {text}; {len(self.apps)} app(s) running", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """Every browser's app quits (or is killed) before the server stops."""
        await asyncio.gather(*(running.end() for running in list(self.apps)))

    async def main(self) -> None:
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, self.sock).start()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop_requested.set)
        try:
            await self.stop_requested.wait()
        finally:
            await runner.cleanup()

    def run(self) -> None:
        """Serve until SIGINT (Ctrl+C) or SIGTERM, then end every app and close the socket."""
        self.initialize_logging()
        asyncio.run(self.main())


__all__ = ["AppProcess", "NntuiServer"]

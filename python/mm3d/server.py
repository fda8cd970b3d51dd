"""The loopback web server that gives notebook iframes the tool's static files.

One ``ThreadingHTTPServer`` per Python process (the kernel), bound to 127.0.0.1 only and started on
first use in a daemon thread, serves the package's own copy of the static build (``mm3d/static``,
copied there by ``npm run build``). The notebook front end (Jupyter notebook or lab, VS Code) runs
in a browser on the same machine as the kernel, so the cell's iframe can load
``http://127.0.0.1:PORT/index.html`` without any network. It serves files only, read-only, and
nothing outside the static folder.
"""

import functools
import http.server
import os
import threading

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")

_lock = threading.Lock()
_server = None


class _Handler(http.server.SimpleHTTPRequestHandler):
    # Module scripts and the product kernel need the right types whatever the system's mime table says.
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".webmanifest": "application/manifest+json",
    }

    def end_headers(self):
        # A rebuilt copy must not be shadowed by the browser's cache of an older one.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # no request log in the notebook's output


def static_dir():
    """The package's copy of the build, or an error that says how to make it."""
    if not os.path.isfile(os.path.join(STATIC_DIR, "index.html")):
        raise FileNotFoundError(
            "mm3d's static build is missing (%s): run `npm run build` in the mm3d repository, then "
            "`pip install ./python` again; or pass base_url= to use a hosted copy" % STATIC_DIR
        )
    return STATIC_DIR


def serve(port=None):
    """Starts the loopback server once per process; returns its base URL (no trailing slash).

    ``port``: a fixed port (default: the ``MM3D_PORT`` environment variable, else any free port).
    """
    global _server
    with _lock:
        if _server is None:
            directory = static_dir()
            if port is None:
                port = int(os.environ.get("MM3D_PORT", "0"))
            handler = functools.partial(_Handler, directory=directory)
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name="mm3d-static", daemon=True)
            thread.start()
            _server = server
        return "http://127.0.0.1:%d" % _server.server_address[1]


def stop():
    """Stops the server (tests; a kernel's server ends with the kernel)."""
    global _server
    with _lock:
        if _server is not None:
            _server.shutdown()
            _server.server_close()
            _server = None

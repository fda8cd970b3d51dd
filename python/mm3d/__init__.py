"""mm3d in notebooks: ``mm3d.show("out = (A @ B) @ C", A=a, B=b, C=c)`` shows the tool in a cell.

The cell's output is an iframe of the tool (by default the package's own copy of the static build,
served on 127.0.0.1 by ``mm3d.server``; ``base_url=`` points at a hosted copy instead) and a short
script that, once the tool has started, hands it each array as .npy bytes through the embedding
message ``{setData: {path, npy}}``. The tool checks the bytes like any .npy file it is given.
Standard library only; NumPy and torch are used when the arrays come from them.
"""

import base64
import html
import json
import re
import urllib.parse
import uuid

from .npy import to_npy
from .server import serve

__all__ = ["show", "View", "to_npy", "serve"]
__version__ = "0.1.0"

#: What one view may carry inline (the bytes also end up in the saved notebook).
MAX_BYTES = 64 * 1024 * 1024
#: A matrix name or a leaf path such as ``left.right``.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_PATH = re.compile(r"^(left|right)(\.(left|right))*$")


class View:
    """A displayable view: Jupyter and VS Code show ``_repr_html_()``; ``.html`` is the same text."""

    def __init__(self, html_text, src):
        self.html = html_text
        #: The tool URL the iframe opens (without the data, which goes by message).
        self.src = src

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return "<mm3d.View %s>" % self.src


def _query_text(expr, query):
    if query is None:
        pairs = []
    elif isinstance(query, str):
        pairs = urllib.parse.parse_qsl(query.lstrip("?"), keep_blank_values=True)
    elif isinstance(query, dict):
        pairs = [(str(k), str(v)) for k, v in query.items()]
    else:
        raise TypeError("query must be a query string or a dict of URL names to values")
    if expr is not None:
        # First: the tool builds the tree from expr, then applies the other names to it.
        pairs = [("expr", expr)] + [(k, v) for k, v in pairs if k != "expr"]
    return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)


def show(expr=None, *, height=600, width="100%", base_url=None, query=None, data=None, max_bytes=MAX_BYTES, **arrays):
    """Shows ``expr`` with the given matrices; returns a ``View`` (displayed as a cell's last value).

    expr:     the expression, e.g. ``"out = (A @ B) @ C"`` (default: the tool's default view).
    arrays:   matrices by name (``A=array``) -- NumPy arrays, torch tensors, anything with
              ``__array__``, nested lists of numbers, or .npy bytes. Names that clash with the
              arguments below (or leaf paths such as ``left.right``) go in ``data={...}``.
    height:   pixels; width: any CSS width.
    base_url: a hosted copy of the tool (e.g. ``https://example.org/mm3d``) instead of the
              package's copy served on 127.0.0.1.
    query:    more of the tool's URL state, as a query string (``"anim.alg=vmprod&left.h=8"``,
              e.g. copied from the tool's "copy embed") or a dict.
    """
    if expr is not None and (not isinstance(expr, str) or not expr.strip()):
        raise TypeError("expr must be a non-empty string such as 'out = A @ B'")
    if isinstance(height, bool) or not isinstance(height, int) or not 50 <= height <= 10000:
        raise ValueError("height must be a whole number of pixels between 50 and 10000")
    if not isinstance(width, str) or not re.match(r"^\d+(\.\d+)?(px|%|em|rem|vw)$", width):
        raise ValueError("width must be a CSS length such as '100%' or '800px'")
    if data is not None and not isinstance(data, dict):
        raise TypeError("data must be a dict of matrix names (or leaf paths) to arrays")
    matrices = dict(data or {})
    for name in arrays:
        if name in matrices:
            raise ValueError("matrix %r is given twice" % name)
    matrices.update(arrays)

    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr)) if expr else None
    payload = {}
    total = 0
    for name, value in matrices.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError("%r is not a matrix name (letters, digits, _) or a leaf path like 'left.right'" % (name,))
        if tokens is not None and not _PATH.match(name) and name not in tokens:
            raise ValueError("matrix %r does not appear in the expression %r" % (name, expr))
        try:
            npy = to_npy(value)
        except (TypeError, ValueError, ImportError) as e:
            raise type(e)("%s: %s" % (name, e)) from None
        total += len(npy)
        if total > max_bytes:
            raise ValueError(
                "the arrays are %d bytes, over the %d bytes a view carries (max_bytes=); show a slice" % (total, max_bytes)
            )
        payload[name] = base64.b64encode(npy).decode("ascii")

    if base_url is None:
        base = serve()
    else:
        if not isinstance(base_url, str) or not re.match(r"^https?://[^\s\"'<>]+$", base_url):
            raise ValueError("base_url must be an http(s) URL of a hosted copy of the tool")
        base = base_url.rstrip("/")
        if base.endswith("/index.html"):
            base = base[: -len("/index.html")]
    search = _query_text(expr, query)
    src = "%s/index.html%s" % (base, "?" + search if search else "")
    return View(_html(src, payload, height, width), src)


_SCRIPT = """(function () {
  var frame = document.getElementById(%(id)s);
  var data = JSON.parse(document.getElementById(%(data_id)s).textContent);
  var sent = false;
  // The tool posts {search_params} once it has opened its state: then it listens, so send the data.
  window.addEventListener('message', function (e) {
    if (sent || !frame || e.source !== frame.contentWindow) return;
    sent = true;
    Object.keys(data).forEach(function (path) {
      frame.contentWindow.postMessage({ setData: { path: path, npy: data[path] } }, '*');
    });
  });
})();"""


def _html(src, payload, height, width):
    fid = "mm3d-" + uuid.uuid4().hex[:12]
    # JSON inside <script>: no '<' at all, so the text cannot close the element.
    data_json = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
    script = _SCRIPT % {"id": json.dumps(fid), "data_id": json.dumps(fid + "-data")}
    return (
        '<div class="mm3d-view">'
        '<iframe id="%s" src="%s" style="width:%s;height:%dpx;border:0" allow="clipboard-write; fullscreen" '
        'title="mm3d"></iframe>'
        '<script type="application/json" id="%s-data">%s</script>'
        "<script>%s</script></div>"
    ) % (fid, html.escape(src, quote=True), width, height, fid, data_json, script)

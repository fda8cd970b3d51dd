"""mm3d.show: the HTML it produces, its argument errors, and the loopback server."""

import base64
import html.parser
import io
import json
import os
import shutil
import struct
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

import mm3d
from mm3d import server

try:
    import numpy as np
except ImportError:
    np = None

HOSTED = "https://example.org/mm3d"


class Parts(html.parser.HTMLParser):
    """The iframe's attributes and the text of each script, as a browser would see them."""

    def __init__(self, text):
        super().__init__()
        self.iframes, self.scripts, self._in = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.iframes.append(dict(attrs))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append([self._in, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data


def payload_of(view):
    parts = Parts(view.html)
    data = [text for attrs, text in parts.scripts if attrs.get("type") == "application/json"]
    return json.loads(data[0])


class Html(unittest.TestCase):
    def test_iframe_url_and_size(self):
        v = mm3d.show("out = (A @ B) @ C", height=450, base_url=HOSTED + "/")
        parts = Parts(v.html)
        self.assertEqual(len(parts.iframes), 1)
        frame = parts.iframes[0]
        url = urllib.parse.urlsplit(frame["src"])
        self.assertEqual(url.scheme + "://" + url.netloc + url.path, HOSTED + "/index.html")
        self.assertEqual(urllib.parse.parse_qs(url.query), {"expr": ["out = (A @ B) @ C"]})
        self.assertIn("height:450px", frame["style"])
        self.assertIn("width:100%", frame["style"])
        self.assertEqual(frame["src"], v.src)
        self.assertEqual(v._repr_html_(), v.html)
        # the script finds the frame and the data by the same id
        code = [text for attrs, text in parts.scripts if "type" not in attrs][0]
        self.assertIn(json.dumps(frame["id"]), code)
        self.assertIn(json.dumps(frame["id"] + "-data"), code)
        self.assertIn("setData", code)

    def test_query_is_kept_and_expr_wins(self):
        v = mm3d.show("A @ B", base_url=HOSTED, query="expr=X%20%40%20Y&anim.alg=vmprod&left.h=8")
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(v.src).query)
        self.assertEqual(q, {"expr": ["A @ B"], "anim.alg": ["vmprod"], "left.h": ["8"]})
        self.assertTrue(urllib.parse.urlsplit(v.src).query.startswith("expr="), "expr comes first")
        v = mm3d.show(base_url=HOSTED, query={"left.h": 3})
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(v.src).query), {"left.h": ["3"]})

    def test_arrays_travel_as_base64_npy(self):
        v = mm3d.show("A @ B", A=[[1, 2], [3, 4]], data={"right": [[0.5], [-1]]}, base_url=HOSTED)
        data = payload_of(v)
        self.assertEqual(sorted(data), ["A", "right"])
        a = base64.b64decode(data["A"])
        self.assertEqual(a[:6], b"\x93NUMPY")
        self.assertEqual(a[-32:], struct.pack("<4d", 1, 2, 3, 4))
        self.assertIn(b"'shape': (2, 2)", a)
        self.assertEqual(base64.b64decode(data["right"])[-16:], struct.pack("<2d", 0.5, -1))

    @unittest.skipIf(np is None, "numpy is not installed")
    def test_numpy_array_bytes_are_np_save_bytes(self):
        arr = np.arange(6, dtype=np.float32).reshape(2, 3)
        buf = io.BytesIO()
        np.save(buf, arr)
        v = mm3d.show("A @ B", A=arr, base_url=HOSTED)
        self.assertEqual(base64.b64decode(payload_of(v)["A"]), buf.getvalue())

    def test_nothing_from_the_arguments_becomes_markup(self):
        evil = 'A @ B</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'
        v = mm3d.show(evil, base_url=HOSTED)
        parts = Parts(v.html)
        self.assertEqual(len(parts.iframes), 1)
        self.assertEqual(len(parts.scripts), 2)
        self.assertNotIn("<img", v.html)
        self.assertNotIn("alert(1)</script>", v.html)
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(parts.iframes[0]["src"]).query)["expr"], [evil])


class Errors(unittest.TestCase):
    def check(self, exc, pattern, *args, **kwargs):
        kwargs.setdefault("base_url", HOSTED)
        with self.assertRaisesRegex(exc, pattern):
            mm3d.show(*args, **kwargs)

    def test_argument_errors(self):
        self.check(TypeError, "expr must be", 42)
        self.check(TypeError, "expr must be", "  ")
        self.check(ValueError, "height", "A @ B", height=10)
        self.check(ValueError, "height", "A @ B", height="600")
        self.check(ValueError, "height", "A @ B", height=True)
        self.check(ValueError, "width", "A @ B", width="100%;background:url(x)")
        self.check(ValueError, "does not appear in the expression", "A @ B", C=[[1]])
        self.check(ValueError, "not a matrix name", "A @ B", data={"A B": [[1]]})
        self.check(ValueError, "not a matrix name", "A @ B", data={"<b>": [[1]]})
        self.check(TypeError, "data must be a dict", "A @ B", data=[1])
        self.check(ValueError, "given twice", "A @ B", data={"A": [[1]]}, A=[[2]])
        self.check(ValueError, "base_url must be", "A @ B", base_url="javascript:alert(1)")
        self.check(ValueError, "base_url must be", "A @ B", base_url='http://x/"><script>')
        self.check(TypeError, "query must be", "A @ B", query=5)
        self.check(ValueError, "over the 100 bytes", "A @ B", A=[[0.0] * 20], max_bytes=100)
        self.check(ValueError, "^A: .*rectangular", "A @ B", A=[[1, 2], [3]])

    @unittest.skipIf(np is None, "numpy is not installed")
    def test_dtype_error_names_the_matrix(self):
        self.check(TypeError, "^B: unsupported dtype complex128", "A @ B", B=np.ones((2, 2), dtype=complex))


class Server(unittest.TestCase):
    """The loopback server over a stand-in static folder (the real build is not needed here)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.dir, "assets"))
        with open(os.path.join(self.dir, "index.html"), "w") as f:
            f.write("<!doctype html><title>stand-in</title>")
        with open(os.path.join(self.dir, "assets", "app.js"), "w") as f:
            f.write("export const x = 1;")
        self.saved = server.STATIC_DIR
        server.stop()
        server.STATIC_DIR = self.dir

    def tearDown(self):
        server.stop()
        server.STATIC_DIR = self.saved
        shutil.rmtree(self.dir)

    def get(self, url):
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read()

    def test_serves_the_static_copy_on_loopback(self):
        v = mm3d.show("A @ B", A=[[1.0]])
        base = server.serve()
        self.assertRegex(base, r"^http://127\.0\.0\.1:\d+$")
        self.assertTrue(v.src.startswith(base + "/index.html?"))
        self.assertEqual(server.serve(), base, "one server per process")
        status, ctype, body = self.get(base + "/index.html")
        self.assertEqual((status, body), (200, b"<!doctype html><title>stand-in</title>"))
        status, ctype, body = self.get(base + "/assets/app.js")
        self.assertEqual(ctype, "text/javascript")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            self.get(base + "/../" + os.path.basename(__file__))
        self.assertEqual(cm.exception.code, 404)

    def test_missing_build_says_what_to_do(self):
        server.STATIC_DIR = os.path.join(self.dir, "nothing-here")
        with self.assertRaisesRegex(FileNotFoundError, "npm run build"):
            mm3d.show("A @ B")


if __name__ == "__main__":
    unittest.main()

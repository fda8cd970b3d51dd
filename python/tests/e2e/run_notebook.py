"""Executes a notebook headless (nbclient) and keeps its kernel alive until stdin closes.

Used by the end-to-end browser test (test/browser/notebook.test.mjs): the kernel's loopback server
must still be up while Chromium opens the cells' output. Writes the HTML outputs of all cells into
one page, prints {"html": path, "port": ...} as one JSON line, then waits for stdin to close.

Usage: python3 run_notebook.py NOTEBOOK.ipynb OUT.html
"""

import json
import os
import sys

import nbformat
from nbclient import NotebookClient


def main():
    notebook, out = sys.argv[1], sys.argv[2]
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=240,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        parts = []
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise SystemExit("the notebook failed: %s: %s" % (output.get("ename"), output.get("evalue")))
                html = output.get("data", {}).get("text/html")
                if html:
                    parts.append("".join(html) if isinstance(html, list) else html)
        with open(out, "w", encoding="utf-8") as f:
            f.write('<!doctype html><meta charset="utf-8"><title>notebook output</title><link rel="icon" href="data:,">'
                    "<body style=\"margin:0;background:#fff\">%s</body>" % "".join(parts))
        print(json.dumps({"html": out, "outputs": len(parts)}), flush=True)
        sys.stdin.read()  # until the test is done with the page


if __name__ == "__main__":
    main()

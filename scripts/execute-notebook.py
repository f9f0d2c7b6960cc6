"""Executes a notebook headless with Jupyter's own client (nbclient) and the
tslab kernel, as `npm run notebook` does, and writes the executed copy.

usage: execute-notebook.py NOTEBOOK OUTPUT_DIR

When a cell fails, it says which cell and what the cell printed on stderr
(a check's hint, CheckFailed: ...), writes the notebook as far as it ran,
and exits with 1. tslab reports a cell's exception on stderr and in the
execute reply, not as an "error" output, so nbconvert's own message for it
is an empty "<Error>:".
"""
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

notebook, out_dir = sys.argv[1], sys.argv[2]
nb = nbformat.read(notebook, as_version=4)
client = NotebookClient(nb, kernel_name="tslab", timeout=1200,
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
target = os.path.join(out_dir, os.path.basename(notebook))
try:
    client.execute()
except CellExecutionError:
    failed = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count") is not None
                   and any(o.get("name") == "stderr" for o in c.get("outputs", []))), None)
    nbformat.write(nb, target)
    if failed is None:
        print(f"{notebook}: a cell failed; the executed notebook is in {target}", file=sys.stderr)
    else:
        cell = nb.cells[failed]
        stderr = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")
        lines = [l for l in stderr.splitlines() if l.strip() and not l.lstrip().startswith("at ")]
        message = next((l for l in lines if re.match(r"\s*(CheckFailed|\w*Error)\b.*?: ", l)), lines[-1] if lines else "")
        first = cell.source.splitlines()[0] if cell.source else ""
        print(f"{notebook}: cell {failed + 1} ({first}) failed:\n  {message}\n"
              f"The notebook as far as it ran is in {target}.", file=sys.stderr)
    sys.exit(1)
nbformat.write(nb, target)
print(f"{notebook}: executed; written to {target}")

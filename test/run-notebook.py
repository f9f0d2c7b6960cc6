"""Executes a workbook with Jupyter's own client (nbclient) and the tslab
kernel, the way JupyterLab's "Run All" does, then runs some cells a second
time, as a student re-running cells would, and writes the executed notebook.

usage: run-notebook.py NOTEBOOK OUTPUT [--rerun I,J,...]
"""
import sys

import nbformat
from nbclient import NotebookClient

notebook, output = sys.argv[1], sys.argv[2]
rerun = []
if len(sys.argv) > 4 and sys.argv[3] == "--rerun":
    rerun = [int(i) for i in sys.argv[4].split(",") if i]

nb = nbformat.read(notebook, as_version=4)
client = NotebookClient(nb, kernel_name="tslab", timeout=1200, allow_errors=True,
                        resources={"metadata": {"path": notebook.rsplit("/", 1)[0] or "."}})
with client.setup_kernel():
    for index, cell in enumerate(nb.cells):
        client.execute_cell(cell, index)
    reruns = []
    for index in rerun:
        copy = nbformat.from_dict(nb.cells[index])
        client.execute_cell(copy, index)
        reruns.append(copy)
    nb.metadata["reruns"] = [{"index": i, "outputs": c.outputs} for i, c in zip(rerun, reruns)]
nbformat.write(nb, output)

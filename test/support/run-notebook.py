"""Executes a workbook with Jupyter's own client (nbclient) and the tslab
kernel, the way JupyterLab's "Run All" does, then runs some cells a second
time, as a student re-running cells would, and writes the executed notebook.

usage: run-notebook.py NOTEBOOK OUTPUT [--rerun I,J,...] [--stop-on-error]

With --stop-on-error execution stops at the first cell that fails, as
"Run All" does; metadata.first_error then names that cell's index. (tslab
reports a cell's exception on stderr and in the execute reply's status, not
as an "error" output, so the reply is what tells.)
"""
import copy
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

notebook, output = sys.argv[1], sys.argv[2]
options = sys.argv[3:]
rerun = []
if "--rerun" in options:
    rerun = [int(i) for i in options[options.index("--rerun") + 1].split(",") if i]
stop_on_error = "--stop-on-error" in options

nb = nbformat.read(notebook, as_version=4)
client = NotebookClient(nb, kernel_name="tslab", timeout=1200, allow_errors=not stop_on_error,
                        resources={"metadata": {"path": notebook.rsplit("/", 1)[0] or "."}})
with client.setup_kernel():
    for index, cell in enumerate(nb.cells):
        try:
            client.execute_cell(cell, index)
        except CellExecutionError:
            nb.metadata["first_error"] = index
            break
    # nbclient writes a cell's outputs into the notebook's cell at that index,
    # whatever cell object it is given: keep the first run's outputs apart.
    first_run = copy.deepcopy(nb.cells)
    reruns = []
    for index in rerun:
        again = nbformat.from_dict(copy.deepcopy(nb.cells[index]))
        client.execute_cell(again, index)
        reruns.append({"index": index, "outputs": copy.deepcopy(again.outputs)})
    nb.cells = first_run
    nb.metadata["reruns"] = reruns
nbformat.write(nb, output)

"""Runs a student edition in one tslab kernel, as a student who tries answers
would: cell by cell from the top, and at each exercise cell named in the plan,
every variant written into that cell, each followed by the exercise's check
cell and a probe (does the kernel still know the student's names?), before the
right answer is run and the notebook goes on. Writes what each variant's cell,
check and probe printed, and whether they failed, as JSON.

usage: run-variants.py NOTEBOOK PLAN.json RESULT.json

PLAN: {"exercises": [{"cell": I, "check": J, "probe": SRC, "restore": SRC, "before": SRC?,
        "variants": [{"name": N, "source": SRC, "cleanup": SRC?}]}],
       "epilogue": [{"name": N, "source": SRC}]}
Cell indexes are the notebook's own; the check cell J runs after every
variant. "restore" is the right answer, run before the notebook goes on;
"before" runs ahead of each variant and of "restore" (e.g. building a fresh
model before each way of training it).
"epilogue" sources run after the last cell, in order.

tslab reports a cell's exception on stderr and in the execute reply's status,
not as an "error" output, so the reply's status tells a failure.
"""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

notebook, plan_file, result_file = sys.argv[1], sys.argv[2], sys.argv[3]
plan = json.load(open(plan_file))
nb = nbformat.read(notebook, as_version=4)
# allow_errors: with stop_on_error (what nbclient asks for otherwise), tslab aborts every later request after
# one failed cell; the execute reply's status tells a failure instead.
replies = {}


def make_client():
    return NotebookClient(nb, kernel_name="tslab", timeout=1200, allow_errors=True,
                          on_cell_executed=lambda cell, cell_index, execute_reply: replies.__setitem__(cell_index, execute_reply),
                          resources={"metadata": {"path": notebook.rsplit("/", 1)[0] or "."}})


client = make_client()
exercises = {e["cell"]: e for e in plan["exercises"]}


def text_of(cell):
    out = {"stdout": "", "stderr": ""}
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out[o.get("name", "stdout")] += o.get("text", "")
        elif o.get("output_type") == "error":
            out["stderr"] += o.get("ename", "") + ": " + o.get("evalue", "")
    return out


def run(index, source):
    """Runs `source` as the notebook's cell `index` (nbclient writes outputs there); returns what it printed."""
    cell = nbformat.v4.new_code_cell(source)
    nb.cells[index] = cell
    replies.pop(index, None)
    failed = False
    try:
        client.execute_cell(cell, index)
    except CellExecutionError:
        failed = True
    reply = replies.get(index)
    if reply is None or reply.get("content", {}).get("status") != "ok":
        failed = True
    result = text_of(nb.cells[index])
    result["failed"] = failed
    if failed:
        # tslab aborts every request that arrives within 200 ms of a failed cell (tslab's jupyter.js,
        # handleExecute): a student's next click comes later than that, so wait as long.
        time.sleep(0.5)
    return result


results = {"cells": [], "variants": [], "epilogue": [], "kernelRestarts": []}
original = [c.source for c in nb.cells]


current = {"variant": None}


def play():
    """Runs the notebook from the top with the variants not yet tried; returns when done or stopped."""
    tried = {(v["cell"], v["name"]) for v in results["variants"]}
    results["cells"] = []
    with client.setup_kernel():
        for index in range(len(original)):
            if nb.cells[index].cell_type != "code":
                continue
            exercise = exercises.get(index)
            if exercise is not None:
                for variant in exercise["variants"]:
                    if (index, variant["name"]) in tried:
                        continue
                    print(f"variant: {variant['name']}", file=sys.stderr, flush=True)
                    current["variant"] = (index, variant["name"])
                    if exercise.get("before"):
                        run(exercise["check"], exercise["before"])
                    cell = run(index, variant["source"])
                    check = run(exercise["check"], original[exercise["check"]]) if not cell["failed"] else None
                    probe = run(exercise["check"], exercise["probe"]) if not cell["failed"] else None
                    if variant.get("cleanup"):
                        run(exercise["check"], variant["cleanup"])
                    current["variant"] = None
                    results["variants"].append({"cell": index, "name": variant["name"], "cellRun": cell, "check": check, "probe": probe})
                    # Written as it goes: what ran so far is kept whatever happens next.
                    json.dump(results, open(result_file, "w"), indent=1)
                if exercise.get("before"):
                    run(exercise["check"], exercise["before"])
                restored = run(index, exercise["restore"])
                results["cells"].append({"index": index, "restored": True, **restored})
                if restored["failed"]:
                    results["stopped"] = index
                    return
            else:
                outcome = run(index, original[index])
                results["cells"].append({"index": index, **outcome})
                if outcome["failed"]:
                    results["stopped"] = index
                    return
        for step in plan.get("epilogue", []):
            results["epilogue"].append({"name": step["name"], **run(len(original) - 1, step["source"])})


# tslab's kernel can die under load while it sends a cell's output ("Socket is busy writing; only one send
# operation may be in progress", from zeromq): that is the kernel's, not the check's, so a fresh kernel
# replays the notebook (right answers only) and goes on with the variants not yet tried. The restarts
# are reported in the result, with the variant that was running.
for attempt in range(4):
    try:
        play()
        break
    except DeadKernelError as error:
        during = current["variant"]
        if during is not None and any(r["during"] == list(during) for r in results["kernelRestarts"]):
            # The same variant killed the kernel twice: it is its result, not bad luck.
            died = {"stdout": "", "stderr": f"the kernel died twice while this variant ran: {error}", "failed": True}
            results["variants"].append({"cell": during[0], "name": during[1], "cellRun": died, "check": None, "probe": None})
        results["kernelRestarts"].append({"during": list(during) if during else None, "error": str(error)})
        print(f"kernel died ({error}); restarting", file=sys.stderr, flush=True)
        replies.clear()
        client = make_client()
json.dump(results, open(result_file, "w"), indent=1)

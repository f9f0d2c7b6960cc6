#!/usr/bin/env bash
# Jupyter tasks for the workbook, with the tslab kernel registered inside the
# project (.jupyter/) rather than globally:
#   kernel           register the tslab kernel in .jupyter/
#   lab              open JupyterLab on notebooks/ with that kernel
#   execute [NB...]  run notebooks headless with Jupyter's own client (nbclient),
#                    writing the executed copies to out/
# JUPYTER_PYTHON picks the Python that has Jupyter (default: Debian's /usr/bin/python3
# when it has nbclient, else python3 on PATH).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.jupyter"
export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

pick_python() {
  if [[ -n "${JUPYTER_PYTHON:-}" ]]; then echo "$JUPYTER_PYTHON"; return; fi
  if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import nbclient' 2>/dev/null; then echo /usr/bin/python3; return; fi
  echo python3
}
python="$(pick_python)"

need() {
  if ! "$python" -c "import $1" 2>/dev/null; then
    echo "Error: $python cannot import $1. $2" >&2
    exit 1
  fi
}

register_kernel() {
  need jupyter_client "Install Jupyter first: on Debian/Ubuntu 'sudo apt install jupyter-nbconvert python3-nbclient python3-ipykernel', elsewhere 'pip install jupyterlab'; or set JUPYTER_PYTHON to a Python that has it."
  "$root/node_modules/.bin/tslab" install --python "$python" --binary "$root/node_modules/.bin/tslab" --prefix "$prefix" >/dev/null
  echo "Registered the tslab kernels (TypeScript, JavaScript) in $prefix/share/jupyter/kernels"
}

case "${1:-}" in
  kernel)
    register_kernel
    ;;
  lab)
    need jupyterlab "JupyterLab is not installed for $python: install it with 'pip install jupyterlab' (or set JUPYTER_PYTHON to a Python that has it), then run 'npm run lab' again."
    register_kernel
    cd "$root"
    exec "$python" -m jupyterlab notebooks/
    ;;
  execute)
    shift
    need nbclient "Install Jupyter's client: on Debian/Ubuntu 'sudo apt install jupyter-nbconvert python3-nbclient python3-ipykernel', elsewhere 'pip install nbconvert'."
    need nbconvert "Install nbconvert: 'sudo apt install jupyter-nbconvert' or 'pip install nbconvert'."
    register_kernel
    mkdir -p "$root/out"
    notebooks=("$@")
    [[ ${#notebooks[@]} -gt 0 ]] || notebooks=("$root/notebooks/mnist-workbook.ipynb")
    for nb in "${notebooks[@]}"; do
      "$python" -m nbconvert --to notebook --execute \
        --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=1200 \
        --output-dir "$root/out" "$nb"
    done
    ;;
  *)
    echo "Usage: scripts/jupyter.sh kernel | lab | execute [NOTEBOOK...]" >&2
    exit 2
    ;;
esac

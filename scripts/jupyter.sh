#!/usr/bin/env bash
# Jupyter tasks for the workbook, with the tslab kernel registered inside the
# project rather than globally:
#   kernel           register the tslab kernel in .jupyter/
#   lab [-- ARGS]    open JupyterLab on notebooks/ with that kernel; ARGS reach
#                    JupyterLab (e.g. --no-browser --port 8890). Without a Python
#                    that has JupyterLab, it creates .venv-jupyter/ (ignored by git)
#                    and installs JupyterLab 4 there first.
#   lab-python [--install]
#                    print the Python that `lab` runs JupyterLab with (exit 1 when
#                    none); with --install create .venv-jupyter/ when needed
#   execute [NB...]  run notebooks headless with Jupyter's own client (nbclient),
#                    writing the executed copies to out/
# JUPYTER_PYTHON picks the Python that has Jupyter. Otherwise `execute` and `kernel`
# use Debian's /usr/bin/python3 when it has nbclient, else python3 on PATH; `lab`
# uses .venv-jupyter/ if it exists, else python3 on PATH if it has JupyterLab.
# JUPYTER_TOKEN sets JupyterLab's token, as in Jupyter itself.
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

# register_kernel [PYTHON PREFIX]: the tslab kernels for PYTHON's Jupyter, under PREFIX/share/jupyter/kernels.
register_kernel() {
  local py="${1:-$python}" into="${2:-$prefix}"
  if [[ $# -eq 0 ]]; then
    need jupyter_client "Install Jupyter first: on Debian/Ubuntu 'sudo apt install jupyter-nbconvert python3-nbclient python3-ipykernel', elsewhere 'pip install jupyterlab'; or set JUPYTER_PYTHON to a Python that has it."
  fi
  "$root/node_modules/.bin/tslab" install --python "$py" --binary "$root/node_modules/.bin/tslab" --prefix "$into" >/dev/null
  echo "Registered the tslab kernels (TypeScript, JavaScript) in $into/share/jupyter/kernels"
}

venv="$root/.venv-jupyter"
# The JupyterLab the venv gets: any 4.x from 4.2 on (notebook 7 era, Vega-Lite 5 renderer).
lab_requirement='jupyterlab>=4.2,<5'

has_jupyterlab() { "$1" -c 'import jupyterlab' >/dev/null 2>&1; }

# Prints the Python to run JupyterLab with, or fails when there is none.
find_lab_python() {
  if [[ -n "${JUPYTER_PYTHON:-}" ]]; then echo "$JUPYTER_PYTHON"; return 0; fi
  if [[ -x "$venv/bin/python" ]] && has_jupyterlab "$venv/bin/python"; then echo "$venv/bin/python"; return 0; fi
  local candidate
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null && has_jupyterlab "$candidate"; then command -v "$candidate"; return 0; fi
  done
  return 1
}

# pip's index: what pip is configured with, except that when no index-url is set, PyPI
# cannot be reached and an extra-index-url is configured (an offline mirror), that one
# becomes the index; otherwise pip would retry the unreachable PyPI for minutes.
pip_index_args() {
  local py="$1" config extra
  [[ -n "${PIP_INDEX_URL:-}" ]] && return 0
  config="$("$py" -m pip config list 2>/dev/null || true)"
  grep -Eq '^[^=]*\.index-url=' <<<"$config" && return 0
  extra="${PIP_EXTRA_INDEX_URL:-$(sed -nE "s/^[^=]*\.extra-index-url='?([^']*)'?$/\1/p" <<<"$config" | head -n 1)}"
  extra="${extra%% *}"
  [[ -n "$extra" ]] || return 0
  if "$py" -c 'import urllib.request; urllib.request.urlopen("https://pypi.org/simple/jupyterlab/", timeout=5)' >/dev/null 2>&1; then
    return 0
  fi
  echo "--index-url $extra"
}

# Creates .venv-jupyter/ with JupyterLab 4 and prints its Python.
create_lab_venv() {
  local base="" candidate
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
      base="$(command -v "$candidate")"; break
    fi
  done
  if [[ -z "$base" ]]; then
    echo "Error: JupyterLab needs Python 3.9 or newer, and none was found on PATH. Install Python 3" \
      "(Debian/Ubuntu: 'sudo apt install python3 python3-venv'; macOS: 'brew install python'; Windows: https://www.python.org/downloads/)," \
      "or set JUPYTER_PYTHON to a Python that has JupyterLab, then run 'npm run lab' again." >&2
    exit 1
  fi
  echo "No Python with JupyterLab found: creating $venv with $base ($("$base" --version 2>&1))" >&2
  rm -rf "$venv"
  if ! "$base" -m venv "$venv" >&2; then
    rm -rf "$venv"
    echo "Error: '$base -m venv' failed. On Debian/Ubuntu install the venv module: 'sudo apt install python3-venv', then run 'npm run lab' again." >&2
    exit 1
  fi
  local index
  index="$(pip_index_args "$venv/bin/python")"
  echo "Installing $lab_requirement into $venv${index:+ (pip $index)}" >&2
  # shellcheck disable=SC2086  # $index is empty or two words
  if ! "$venv/bin/python" -m pip install --quiet --quiet $index "$lab_requirement" >&2; then
    rm -rf "$venv"
    echo "Error: pip could not install $lab_requirement. Check pip's index ('pip config list'; set PIP_INDEX_URL to a reachable one) and run 'npm run lab' again." >&2
    exit 1
  fi
  echo "$venv/bin/python"
}

case "${1:-}" in
  kernel)
    register_kernel
    ;;
  lab)
    shift
    [[ "${1:-}" == "--" ]] && shift
    if [[ -n "${JUPYTER_PYTHON:-}" ]] && ! has_jupyterlab "$JUPYTER_PYTHON"; then
      echo "Error: JUPYTER_PYTHON=$JUPYTER_PYTHON cannot import jupyterlab: install it there ('$JUPYTER_PYTHON -m pip install \"$lab_requirement\"')" \
        "or unset JUPYTER_PYTHON to let 'npm run lab' create .venv-jupyter/." >&2
      exit 1
    fi
    lab_python="$(find_lab_python)" || lab_python="$(create_lab_venv)"
    if [[ "$lab_python" == "$venv/bin/python" ]]; then
      register_kernel "$lab_python" "$venv"
    else
      python="$lab_python"
      register_kernel
    fi
    cd "$root"
    echo "Starting JupyterLab $("$lab_python" -c 'import jupyterlab; print(jupyterlab.__version__)') ($lab_python) on notebooks/${*:+ with: $*}"
    # Jupyter refuses to run as root without being told; containers often are root.
    [[ $(id -u) -eq 0 ]] && set -- --allow-root "$@"
    exec "$lab_python" -m jupyterlab --notebook-dir="$root/notebooks" "$@"
    ;;
  lab-python)
    if [[ -n "${JUPYTER_PYTHON:-}" ]] && ! has_jupyterlab "$JUPYTER_PYTHON"; then exit 1; fi
    if find_lab_python; then exit 0; fi
    [[ "${2:-}" == "--install" ]] || exit 1
    create_lab_venv
    ;;
  execute)
    shift
    need nbclient "Install Jupyter's client: on Debian/Ubuntu 'sudo apt install jupyter-nbconvert python3-nbclient python3-ipykernel', elsewhere 'pip install nbconvert'."
    need nbformat "Install nbformat: 'sudo apt install python3-nbformat' or 'pip install nbformat'."
    register_kernel
    mkdir -p "$root/out"
    notebooks=("$@")
    [[ ${#notebooks[@]} -gt 0 ]] || notebooks=("$root/notebooks/mnist-workbook.ipynb")
    for nb in "${notebooks[@]}"; do
      "$python" "$root/scripts/execute-notebook.py" "$nb" "$root/out"
    done
    ;;
  *)
    echo "Usage: scripts/jupyter.sh kernel | lab | execute [NOTEBOOK...]" >&2
    exit 2
    ;;
esac

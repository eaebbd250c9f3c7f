#!/usr/bin/env bash
# Installs the peer environment of the DML4J-vs-PyTorch benchmarks (experiments/bench/):
#   * Debian's python3-torch and python3-faiss (apt; needs root, or sudo),
#   * pytorch-metric-learning from PyPI in a virtual environment .bench-venv (repository root) that sees the system
#     packages (python3 -m venv --system-site-packages), so the Debian torch, faiss, numpy, scikit-learn and tqdm
#     are used, not PyPI wheels (a PyPI numpy 2 would break Debian's faiss and torch).
# Then checks that `import torch, faiss, pytorch_metric_learning` works in that venv.
#   experiments/bench/setup-peer.sh          (idempotent: does nothing that is already done)
# Environment: PML_VERSION (default 2.8.1, the version of ../shared/reference), BENCH_VENV (default .bench-venv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${BENCH_VENV:-$root/.bench-venv}"
pml_version="${PML_VERSION:-2.8.1}"

fail() { echo "setup-peer: $*" >&2; exit 2; }

if ! command -v apt-get >/dev/null; then
  fail "apt-get not found: this script installs Debian's python3-torch and python3-faiss. On another system install
PyTorch and faiss (CPU) for python3 yourself, then re-run with them importable by /usr/bin/python3."
fi

missing=()
/usr/bin/python3 -c "import torch" 2>/dev/null || missing+=(python3-torch)
/usr/bin/python3 -c "import faiss" 2>/dev/null || missing+=(python3-faiss)
# PML's other dependencies, from Debian too: a PyPI scikit-learn would pull numpy 2, which Debian's faiss and torch
# (built against numpy 1.24) cannot import.
/usr/bin/python3 -c "import sklearn" 2>/dev/null || missing+=(python3-sklearn)
/usr/bin/python3 -c "import tqdm" 2>/dev/null || missing+=(python3-tqdm)
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || fail "need root (or sudo) to apt-get install ${missing[*]}"
    sudo="sudo"
  fi
  for p in "${missing[@]}"; do
    [[ -n "$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)')" ]] || \
      fail "apt has no candidate for $p (run apt-get update; it is in Debian bookworm main)"
  done
  echo "setup-peer: apt-get install ${missing[*]} (torch pulls many libraries: about 150 MB to download, 650 MB installed)" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2 || \
    fail "apt-get install ${missing[*]} failed (see above)"
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup-peer: creating $venv (--system-site-packages)" >&2
  /usr/bin/python3 -m venv --system-site-packages "$venv" || fail "python3 -m venv failed (is python3-venv installed?)"
fi
if ! "$venv/bin/python" -c "import pytorch_metric_learning" 2>/dev/null; then
  echo "setup-peer: pip install pytorch-metric-learning==$pml_version (--no-deps: torch, numpy, scikit-learn and tqdm come from Debian)" >&2
  "$venv/bin/pip" install -q --no-deps "pytorch-metric-learning==$pml_version" || \
    fail "pip install pytorch-metric-learning==$pml_version failed (no network, or no access to PyPI?)"
fi
"$venv/bin/python" -c "import torch, faiss, pytorch_metric_learning as p; print('setup-peer: ok: torch', torch.__version__, 'faiss', faiss.__version__, 'pytorch-metric-learning', p.__version__)" || \
  fail "the venv cannot import torch, faiss and pytorch_metric_learning (see above). If a numpy 2 from PyPI got into
$venv (Debian's faiss and torch need numpy 1.x), delete $venv and run this script again."

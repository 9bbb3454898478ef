#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs ks-bench and its NumPy reference one after the other and prints one table.
#   bench/run.sh BUILD_DIR [--quick] [--reps N] [--only nngp,sampler,cka,dgemm]
# Builds nothing: BUILD_DIR must already hold bench/ks-bench (./dev.sh bench does both).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${1:-"$here/../build"}
[ $# -gt 0 ] && shift

ks_bench="$build_dir/bench/ks-bench"
if [ ! -x "$ks_bench" ]; then
  echo "run.sh: $ks_bench not found; build first (./dev.sh build)" >&2
  exit 2
fi

# The first interpreter that has NumPy: a python3 from pyenv or a venv may lack it while
# Debian's python3-numpy sits under /usr/bin/python3.
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import numpy' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "run.sh: no python3 with NumPy found (install python3-numpy, or set PYTHON)" >&2
  exit 2
fi

ks_out=$(mktemp)
np_out=$(mktemp)
trap 'rm -f "$ks_out" "$np_out"' EXIT

# Both run without the OpenBLAS overrides some machines export (they slow current NumPy),
# so that each uses the kernels OpenBLAS picks for this CPU. One at a time: they would
# otherwise compete for the same cores.
status=0
echo "run.sh: running ks-bench $*" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$ks_bench" "$@" >"$ks_out" || status=1
echo "run.sh: running $python bench/reference.py $*" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$here/reference.py" "$@" >"$np_out" || status=1

grep -h '^#' "$ks_out" "$np_out"
echo
# KS_BENCH_RAW=1 also shows both programs' own lines (fastest and slowest repetition).
if [ "${KS_BENCH_RAW:-0}" = 1 ]; then
  sed 's/^/ks-bench     /' "$ks_out" | grep -v '^ks-bench     #'
  sed 's/^/reference.py /' "$np_out" | grep -v '^reference.py #'
  echo
fi

awk -F'\t' '
  function field(extra, key,    n, parts, i) {
    n = split(extra, parts, " ")
    for (i = 1; i <= n; i++)
      if (index(parts[i], key "=") == 1)
        return substr(parts[i], length(key) + 2)
    return ""
  }
  /^#/ { next }
  FNR == NR { ks[$1] = $2; ks_extra[$1] = $3; if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 }; next }
  { np[$1] = $2; np_extra[$1] = $3; if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 } }
  END {
    label["nngp"] = "NNGP, NTK off"
    label["nngp_ntk"] = "NNGP + NTK"
    label["sampler"] = "finite samples"
    label["cka"] = "CKA matrix"
    printf "%-34s %14s %14s %12s\n", "row", "Kernelscope s", "NumPy s", "NumPy/KS"
    for (i = 1; i <= n; i++) {
      r = order[i]
      if (r ~ /^dgemm/) continue
      extra = (field(ks_extra[r], "P") != "") ? ks_extra[r] : np_extra[r]
      shape = "P=" field(extra, "P")
      if (r == "sampler") shape = shape " N=" field(extra, "width") " S=" field(extra, "samples")
      if (r == "cka") shape = shape " n=" field(extra, "kernels")
      if (r ~ /^nngp/) shape = shape " L=" field(extra, "layers")
      ratio = "-"
      if ((r in ks) && (r in np) && ks[r] + 0 > 0 && ks[r] != "nan" && np[r] != "nan")
        ratio = sprintf("%.2f", np[r] / ks[r])
      printf "%-34s %14s %14s %12s\n", label[r] " (" shape ")",
             (r in ks) ? ks[r] : "-", (r in np) ? np[r] : "-", ratio
      if (ks[r] == "nan") { message = ks_extra[r]; sub(/^error=/, "", message); printf "    Kernelscope failed: %s\n", message }
    }
    print "(NumPy/KS above 1: Kernelscope is faster; medians, min and max in the raw output of each program)"
    print ""
    if ("sampler" in ks || "sampler" in np) {
      ks_rate = field(ks_extra["sampler"], "gflops")
      np_rate = field(np_extra["sampler"], "gflops")
      gflop = (ks_rate != "") ? field(ks_extra["sampler"], "gflop") : field(np_extra["sampler"], "gflop")
      printf "finite samples, dominant products (%s GFLOP): Kernelscope %s GFLOP/s, NumPy %s GFLOP/s\n",
             gflop, (ks_rate != "") ? ks_rate : "-", (np_rate != "") ? np_rate : "-"
    }
    if ("dgemm_1thread" in ks)
      printf "DGEMM %s x %s (cblas_dgemm): %s GFLOP/s on 1 thread, %s GFLOP/s on %s threads\n",
             field(ks_extra["dgemm_1thread"], "n"), field(ks_extra["dgemm_1thread"], "n"),
             field(ks_extra["dgemm_1thread"], "gflops"),
             field(ks_extra["dgemm_all_threads"], "gflops"),
             field(ks_extra["dgemm_all_threads"], "threads")
  }
' "$ks_out" "$np_out"

# Failures inside a row are reported in the table; anything else the programs said:
grep -v -h -P '^(#|[a-z_0-9]+\t)' "$ks_out" "$np_out" || true
exit $status

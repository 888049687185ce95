#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
#
# make bench: benchmark the corpus through the bpfnic CLI (JIT size and
# speed, modeled cycles and throughput, simulator and host-kernel ns/packet,
# per-pass savings, the 4096-instruction JIT-speed program, nicsim-bench if
# built).  Prints one table and writes $BUILD/bench.json; see scripts/bench.py
# for how each figure is measured and the environment it reads (BPFNIC,
# BUILD, BENCH_JOBS, BENCH_SIM_PKTS, BENCH_PASS_PKTS, BENCH_QUICK=1, ...).
# Missed targets are reported, not fatal: exit status 0 unless the harness
# itself cannot run.  Arguments: corpus program names to restrict the run.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -B scripts/bench.py "$@"

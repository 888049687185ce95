#!/usr/bin/env bash
# make fuzz N=...: N random programs through the kernel and through JIT+sim.
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
seed=${SEED:-$(date +%s)}
echo "fuzz: $n programs from seed $seed (reproduce one: build/bpfnic-fuzz -s SEED+k -n 1 -v)"
exec build/bpfnic-fuzz -n "$n" -p 16 -s "$seed"

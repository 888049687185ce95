#!/usr/bin/env bash
# A short, fixed-seed differential fuzz run as part of make check.
cd "$(dirname "$0")/.."
exec build/bpfnic-fuzz -n 300 -p 8 -s 20261122

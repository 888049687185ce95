#!/bin/sh
# ISA.md carries the instruction table generated from isa.def.
exec python3 "$(dirname "$0")/isa-table.py" --check

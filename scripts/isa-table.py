#!/usr/bin/env python3
"""Print the instruction table of include/bpfnic/isa.def as Markdown.

firmware-jit/ISA.md carries this table between the markers
<!-- isa-table begin --> and <!-- isa-table end -->; `--check` fails when the
document and isa.def disagree (run by make check), `--update` rewrites it.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEF = ROOT / "include/bpfnic/isa.def"
DOC = ROOT / "firmware-jit/ISA.md"
BEGIN, END = "<!-- isa-table begin -->", "<!-- isa-table end -->"
LAT = {"BN_LAT_ALU": "1", "BN_LAT_MUL": "3", "BN_LAT_DIV32": "20",
       "BN_LAT_DIV64": "40", "BN_LAT_BR": "1 (+2-defer if taken)",
       "BN_LAT_MEM": "1 + target latency", "BN_LAT_FW": "routine"}


def rows():
    text = DEF.read_text()
    pat = re.compile(r'BN_INSN\((\w+),\s*(0x[0-9a-f]+),\s*BN_FMT_(\w+),\s*(\w+),\s*'
                     r'([^,]+),\s*"((?:[^"\\]|\\.)*)"\)', re.S)
    for m in pat.finditer(text):
        name, opc, fmt, lat, flags, doc = m.groups()
        flags = " ".join(f.replace("BN_IF_", "").lower()
                         for f in re.findall(r"BN_IF_\w+", flags)) or "-"
        yield name, opc, fmt.lower(), LAT[lat], flags, doc.replace("|", "\\|")


def table():
    out = ["| mnemonic | opcode | format | cycles | flags | semantics |",
           "|---|---|---|---|---|---|"]
    out += [f"| `{n}` | {o} | {f} | {c} | {fl} | {d} |" for n, o, f, c, fl, d in rows()]
    return "\n".join(out)


def main():
    if not {"--update", "--check"} & set(sys.argv):
        print(table())
        return 0
    doc = DOC.read_text()
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{table()}\n{END}{tail}"
    if "--update" in sys.argv:
        DOC.write_text(new)
        return 0
    if "--check" in sys.argv:
        ok = new == doc
        print("ok isa-doc: ISA.md table matches isa.def" if ok else
              "FAIL isa-doc: ISA.md table differs from isa.def (scripts/isa-table.py --update)")
        print(f"{int(ok)} passed, {int(not ok)} failed")
        return 0 if ok else 1
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())

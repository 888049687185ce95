#!/usr/bin/env python3
"""offload-maps.py HOST.json GUEST.out NAME

Compare the maps `bpfnic prog run --json` left on the host (HOST.json:
"maps": {name: [{"key": hex, "value": hex}]}, arrays listing only non-zero
entries) with what `bpftool -j map dump` printed in the guest after the
same traffic (lines "BN NAME map MAP TYPE JSON" of GUEST.out).  Exit 0 when
every map holds the same entries; prints the differences otherwise, and a
summary as the last line."""
import json
import sys


def main():
    host_file, guest_out, name = sys.argv[1:4]
    host = json.load(open(host_file))["maps"]
    guest = {}
    pre = f"BN {name} map "
    for ln in open(guest_out, errors="replace"):
        if not ln.startswith(pre):
            continue
        parts = ln[len(pre):].rstrip("\n").split(" ", 2)
        if len(parts) < 3:
            print(f"malformed line: {ln.strip()}")
            return 1
        m, mtype, text = parts
        try:
            ents = json.loads(text)
        except ValueError:
            print(f"{m}: bpftool map dump did not give JSON: {text[:200]}")
            return 1
        d = {}
        for e in ents:
            k = "".join(b[2:] for b in e["key"])
            v = "".join(b[2:] for b in e["value"])
            if mtype == "array" and not any(int(b, 16) for b in e["value"]):
                continue
            d[k] = v
        guest[m] = d
    bad = 0
    nent = 0
    for m, ents in host.items():
        want = {e["key"]: e["value"] for e in ents}
        got = guest.get(m)
        if got is None:
            print(f"{m}: not dumped in the guest")
            bad += 1
            continue
        nent += len(want)
        for k in sorted(set(want) | set(got)):
            if want.get(k) != got.get(k):
                print(f"{m}[{k}]: host {want.get(k)} guest {got.get(k)}")
                bad += 1
    print(f"{len(host)} maps, {nent} entries, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

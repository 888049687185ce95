#!/usr/bin/env python3
"""offload-events.py HOST.json GUEST.events

Compare the bpf_perf_event_output() events `bpfnic prog run --json` reports
on the host ("events": [{"map", "data", "pkt"}], in packet order) with what
`bpftool -j map event_pipe` printed in the guest while the same packets ran
on the offloaded program (a JSON array of {"type", "cpu", "index", "data"}
samples with "data" an array of bytes, or {"lost": ...}).  A perf raw sample is the event padded so that
its u32 size + data is a multiple of 8: the padding is not compared.  Exit
0 when the guest got the same events in the same order; prints a summary as
the last line."""
import json
import re
import sys


def guest_samples(path):
    text = open(path, errors="replace").read()
    out, lost = [], 0
    # one JSON object per sample; the array may be cut short by SIGINT
    for m in re.finditer(r"\{[^{}]*\}", text):
        try:
            o = json.loads(m.group(0))
        except ValueError:
            continue
        if "data" not in o and "count" in o:     # the inner {"id", "count"} of a "lost"
            lost += int(o["count"])
        elif "data" in o:    # bytes as numbers (bpftool 7.1) or "0x.." strings
            out.append(bytes(b if isinstance(b, int) else int(b, 16) for b in o["data"]))
    return out, lost


def main():
    host = json.load(open(sys.argv[1]))
    want = [bytes.fromhex(e["data"]) + bytes.fromhex(e["pkt"]) for e in host["events"]]
    if host.get("events_total", len(want)) != len(want):
        print(f"the host kept {len(want)} of {host['events_total']} events")
        return 1
    try:
        got, lost = guest_samples(sys.argv[2])
    except OSError as ex:
        print(f"no guest events: {ex}")
        return 1
    bad = 0
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        padded = w is not None and g is not None and len(g) == ((len(w) + 4 + 7) & ~7) - 4
        if not padded or g[:len(w)] != w:
            if bad < 3:
                print(f"event {i}: host {w.hex() if w else None} guest {g.hex() if g else None}")
            bad += 1
    print(f"{len(want)} events, {len(got)} read, {lost} lost, {bad} differ")
    return 1 if bad or lost else 0


if __name__ == "__main__":
    sys.exit(main())

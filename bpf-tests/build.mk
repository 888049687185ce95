# bpf-tests build rules (filled in by its owner)

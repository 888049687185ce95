# nfp-sim/cli build rules (filled in by its owner)

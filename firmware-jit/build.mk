# firmware-jit build rules (filled in by its owner)

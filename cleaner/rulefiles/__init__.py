"""Rule files: YAML packs read with positions, validated, linted, cached, and assembled into a chain."""

"""Border crossing points (BCPs): the places where travellers are inspected, and their lanes."""

"""Travel documents at the counter: reading the MRZ (and, later, verifying the chip) over the API."""

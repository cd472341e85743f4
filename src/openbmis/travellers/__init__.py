"""Travellers and their travel documents: one identity across renewed passports, with a confidence
for every link, and audited merges and splits by supervisors."""

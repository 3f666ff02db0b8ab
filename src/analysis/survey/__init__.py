"""Producer survey: reading, cleaning, demo data and data-quality tables."""

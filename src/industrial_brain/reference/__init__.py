"""Reference data: regions (GB/T 2260), enterprise identifiers (GB 32100), spatial contiguity."""

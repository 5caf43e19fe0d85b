"""The company's documents: ingestion, hybrid retrieval with citations, extractive answers."""

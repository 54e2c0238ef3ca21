"""paperradar: a truthful daily arXiv digest, judged against your own research fields."""

__version__ = "0.1.0"

"""Batch runs: discovery, per-file limits, engines (process pool, Dask), the
incremental state and the partitioned dataset store."""

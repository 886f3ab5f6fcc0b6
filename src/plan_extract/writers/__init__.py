"""Writers: the document JSON, the Parquet tables and the run manifest. Every
write is atomic (a temporary file in the same folder, then a rename)."""

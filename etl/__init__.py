"""ETL of the Bulgarian migration data dashboard: data/raw -> validated, versioned Parquet."""

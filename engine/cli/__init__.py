"""The `twoway` command line."""

"""The published data as the web process reads it: the current version, its compact storage and the queries over it."""

"""The local cloud behind ``make local``: emulators, both function endpoints and the indexer."""

"""Session files on disk: the `bcr-session/1` format's writer and reader (`sessionfile`), the fast
reader (`fastread`), and the store with its lock and durable save (`store`)."""

"""Session files on disk: the `bcr-session/1` format's writer (`render`) and its reader with its
checks (`parse`), the fast reader (`fastread`), and the store with its lock and durable save
(`store`)."""

"""bcr in a browser: `serve` (the app in a tab, through textual-serve) and `phones` (everyone rates
on their own phone)."""

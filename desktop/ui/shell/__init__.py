"""The main window and what starts it: launch, the store's opening, menus' dialogs, look, updates."""

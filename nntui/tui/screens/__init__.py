"""The app's screens: the builder and its dialogs (palette, layer form, save/open, Keras code, help)."""

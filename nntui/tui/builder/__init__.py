"""The builder: the stack of layers, their shapes, the settings, and the dialogs that edit them."""

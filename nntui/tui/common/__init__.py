"""What the builder and the training screen share: the dialog base, the path dialog, help, inputs, safe lists,
the kept trained state."""

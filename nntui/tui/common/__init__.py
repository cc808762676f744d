"""What the builder and the training screen share: dialogs, help, inputs, the kept trained state."""

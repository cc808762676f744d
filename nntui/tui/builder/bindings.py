"""The builder's keys (the footer shows those with show=True; ? lists them all with their tooltips)."""

from __future__ import annotations

from textual.binding import Binding

TRAIN_TIP = "Train the model (while it does not fit: says why it cannot train yet)"

BUILDER_BINDINGS = [
    Binding("a,insert", "add", "Add", tooltip="Add a layer under the cursor, chosen from the palette"),
    Binding("e", "edit", "Edit", tooltip="Edit the selected layer's settings (on the input row: the input shape)"),
    Binding("d,delete", "delete", "Del", tooltip="Delete the selected layer"),
    Binding("c", "duplicate", "Dup", show=False, tooltip="Duplicate the selected layer (the copy goes below it)"),
    Binding("shift+up,K", "move(-1)", "Up", show=False, key_display="⇧↑", tooltip="Move the selected layer up"),
    Binding("shift+down,J", "move(1)", "Down", show=False, key_display="⇧↓", tooltip="Move the selected layer down"),
    Binding("f", "fix", "Fix", show=False,
            tooltip="Fix the first misfit: the known fixes, each with what it changes (Enter applies, u undoes)"),
    Binding("u,ctrl+z", "undo", "Undo", tooltip="Undo the last change"),
    Binding("U,ctrl+y", "redo", "Redo", show=False, tooltip="Redo the last undone change"),
    Binding("b", "branch", "Branch", show=False,
            tooltip="Add a branch: a new layer that reads the selected row (not the layer above it)"),
    Binding("m", "merge", "Merge", show=False,
            tooltip="Add a merge layer (Concatenate, Add, ...) joining the selected layer and the loose "
                    "ends of the other branches (editable in its form)"),
    Binding("O", "output", "Output", show=False,
            tooltip="Make the selected layer an output too, or no longer one (several outputs: each "
                    "gets its loss, target and weight in the loss panel)"),
    Binding("g", "graph", "Graph", show=False, tooltip="Draw the model as a graph (branches in columns) / back to the table"),
    Binding("i", "input_shape", "Input", show=False, tooltip="Edit the input shape"),
    Binding("o", "training_settings", "Loss/opt", tooltip="Choose the loss, the optimizer and its settings, "
                                                            "batch size, epochs, validation split, data limit, seed"),
    Binding("k", "keras", "Keras", tooltip="Show the model as Keras code, ready to copy"),
    Binding("t", "train", "Train", tooltip=TRAIN_TIP),
    Binding("t", "why_not_train", "Why not train", show=False, tooltip=TRAIN_TIP),
    Binding("ctrl+s", "save", "Save", tooltip="Save to the open file (the first time, or for a shipped "
                                                "preset: asks for a name and a file)"),
    Binding("S", "save_as", "Save as", show=False, tooltip="Save under a new name or file (asks for them)"),
    Binding("ctrl+o", "open", "Open", show=False,
            tooltip="Open a shipped preset, a preset file, or resume a run from its checkpoint folder"),
    Binding("w", "load_weights", "Weights", show=False,
            tooltip="Load saved weights (.npz) into the model: the next run starts from them"),
    Binding("I", "inside", "Inside", show=False, tooltip="Look inside the network with the weights the next "
            "run starts from (trained, loaded or fresh): each layer's output, weights, health"),
    Binding("D", "draw", "Draw", tooltip="Draw a digit and watch the network read it (trained or loaded weights)"),
    Binding("ctrl+n", "new", "New", show=False,
            tooltip="Start a new model, 'untitled', with an empty stack (asks first about unsaved changes)"),
    Binding("q", "app.quit", "Quit", show=False, tooltip="Quit (asks about unsaved changes)"),
    Binding("escape", "leave_panel", "Back to the stack", show=False,
            tooltip="From the side panel: back to the stack (what is typed but not applied goes)"),
]

"""The Draw pad: draw a digit on a 28x28 canvas and watch the network read it (nntui.data.handwriting
prepares the drawing, nntui.preset.reader reads it)."""

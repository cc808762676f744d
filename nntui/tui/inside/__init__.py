"""The Inside view: a look inside the network (each layer's output for a chosen sample, the weights
and gradients, the health of the training), shared by the training screen and the builder."""

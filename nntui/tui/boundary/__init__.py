"""The decision boundary of a model with 2-D input: Playground's main picture in half-block cells."""

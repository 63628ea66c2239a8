"""The detail pane: a summary of the highlighted node, its references and its JSON."""

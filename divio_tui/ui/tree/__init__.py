"""The resource tree: the widget (`widget.ResourceTree`) and its collaborators — the loader,
the backup-size filler, the reloader and the revealer — and the messages it posts."""

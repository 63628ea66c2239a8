"""The command palette's providers: the host screen's commands, and jumps to resources."""

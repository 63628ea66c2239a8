"""The explorer screen: the resource tree beside the detail pane, and what their keys do."""

"""The backup health view: every environment of a scope with its backup verdict (`H`)."""

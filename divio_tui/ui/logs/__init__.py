"""The log viewer: an environment's runtime logs or a deployment's log (`L`)."""

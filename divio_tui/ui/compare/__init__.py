"""The compare view (`=`): two environments, or two deployments' environment variables,
side by side (the rows come from `state/compare.py`)."""

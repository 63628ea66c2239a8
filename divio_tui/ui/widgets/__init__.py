"""Small widgets the screens share: the header bar, the filter bar, the save prompt, and
`AtRest` (work done once the user rests)."""
